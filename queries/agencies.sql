-- Every agency, with how many measures it takes part in, by role (counted when the store is built).
-- The SQL twin of agencies.rq over the question tables (kg/tables.py); params: :place (place key, optional).
-- An agency no document places has a row with no jurisdiction; one tied to several places, a row for each.
SELECT 'https://w3id.org/pingan-kg/id/agency/' || c.agency AS agency, n.name,
       'https://w3id.org/pingan-kg/id/place/' || ap.place AS place, pn.name AS jurisdiction,
       c.lead, c.co, c.guide, c.implement, c.measures
FROM agency_counts c
JOIN agency_name n ON n.agency = c.agency
LEFT JOIN agency_place ap ON ap.agency = c.agency
LEFT JOIN place_name pn ON pn.place = ap.place
WHERE 1
-- @if :place: AND ap.place = :place
ORDER BY c.lead DESC, c.measures DESC, n.name, c.agency, ap.place
