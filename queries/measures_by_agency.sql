-- Which measures does an agency take part in, and in what role (with the evidence for each)?
-- The SQL twin of measures_by_agency.rq over the question tables (kg/tables.py).
-- params: :agency (agency key, required); :role ('lead'|'co'|'guide'|'implement', optional: an "-- @if" line);
-- :place (place key, optional: the measures of that place's documents). The jurisdiction is the document's:
-- one name (公安机关) written in plans of several places takes part in each place's measures there.
SELECT DISTINCT 'https://w3id.org/pingan-kg/id/agency/' || a.agency AS agency, a.role, m.mid AS id, m.key,
       m.heading, a.basis, a.as_written AS asWritten, a.quote, a.line, d.title, d.source, pn.name AS jurisdiction,
       m.ord AS "order"
FROM roles r
JOIN assignments a ON a.mid = r.mid AND a.agency = r.agency AND a.role = r.role
JOIN measures m ON m.mid = r.mid
JOIN documents d ON d.doc = m.doc
LEFT JOIN place_name pn ON pn.place = d.place
WHERE r.agency = :agency
-- @if :role: AND r.role = :role
-- @if :place: AND d.place = :place
ORDER BY d.source, m.ord, a.role, a.n
