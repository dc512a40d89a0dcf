-- Where do two agencies meet? The measures both take part in, with each one's role.
-- The SQL twin of overlap.rq over the question tables (kg/tables.py).
-- params: :agencyA, :agencyB (agency keys, required); :place (place key, optional: that place's documents only).
-- The jurisdiction is the document's.
SELECT DISTINCT 'https://w3id.org/pingan-kg/id/agency/' || ra.agency AS agencyA,
       'https://w3id.org/pingan-kg/id/agency/' || rb.agency AS agencyB, m.mid AS id, m.key, m.heading,
       ra.role AS roleA, rb.role AS roleB, d.title, d.source, pn.name AS jurisdiction, m.ord AS "order"
FROM roles ra
JOIN roles rb ON rb.mid = ra.mid AND rb.agency = :agencyB
JOIN measures m ON m.mid = ra.mid
JOIN documents d ON d.doc = m.doc
LEFT JOIN place_name pn ON pn.place = d.place
WHERE ra.agency = :agencyA
-- @if :place: AND d.place = :place
ORDER BY d.source, m.ord, ra.role, rb.role
