-- One measure: its numbering, heading, text, document and place.
-- The SQL twin of measure.rq over the question tables (kg/tables.py); params: :id (measure id, required).
SELECT m.mid AS id, m.iri AS m, m.key, m.heading, m.text, m.line, d.title, d.source, d.identifier AS docNumber,
       pn.name AS jurisdiction
FROM measures m
JOIN documents d ON d.doc = m.doc
LEFT JOIN place_name pn ON pn.place = d.place
WHERE m.mid = :id
