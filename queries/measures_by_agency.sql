-- Which measures does an agency take part in, and in what role (with the evidence for each)?
-- The SQL twin of measures_by_agency.rq over the question tables (kg/tables.py).
-- params: :agency (agency key, required); :role ('lead'|'co'|'guide'|'implement', optional: an "-- @if" line)
SELECT DISTINCT 'https://w3id.org/pingan-kg/id/agency/' || a.agency AS agency, a.role, m.mid AS id, m.key,
       m.heading, a.basis, a.as_written AS asWritten, a.quote, a.line, d.title, d.source, pn.name AS jurisdiction,
       m.ord AS "order"
FROM roles r
JOIN assignments a ON a.mid = r.mid AND a.agency = r.agency AND a.role = r.role
JOIN measures m ON m.mid = r.mid
JOIN documents d ON d.doc = m.doc
JOIN agency_place ap ON ap.agency = r.agency
JOIN place_name pn ON pn.place = ap.place
WHERE r.agency = :agency
-- @if :role: AND r.role = :role
ORDER BY d.source, m.ord, a.role, a.n, pn.name
