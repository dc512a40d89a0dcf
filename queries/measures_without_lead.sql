-- Which measures have no lead agency? (Who is responsible when nobody leads?)
-- The SQL twin of measures_without_lead.rq over the question tables (kg/tables.py): n_leads counts a measure's
-- distinct lead agencies when the store is built. params: :place (place key of the document, optional).
SELECT m.mid AS id, m.key, m.heading, d.title, d.source, 'https://w3id.org/pingan-kg/id/place/' || d.place AS place,
       pn.name AS jurisdiction, m.ord AS "order", m.n_assignments AS assignments
FROM measures m
JOIN documents d ON d.doc = m.doc
LEFT JOIN place_name pn ON pn.place = d.place
WHERE m.n_leads = 0
-- @if :place: AND d.place = :place
ORDER BY d.source, m.ord
