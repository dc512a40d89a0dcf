-- Every agency, with how many measures it takes part in, by role (counted when the store is built).
-- The SQL twin of agencies.rq over the question tables (kg/tables.py); params: :place (place key, optional).
-- A row per agency and place of the measures' documents: one name written in plans of several places (公安机关)
-- has a row for each, counted there; the measures of a plan that states no place, a row with no jurisdiction.
SELECT 'https://w3id.org/pingan-kg/id/agency/' || c.agency AS agency, n.name,
       'https://w3id.org/pingan-kg/id/place/' || NULLIF(c.place, '') AS place, pn.name AS jurisdiction,
       c.lead, c.co, c.guide, c.implement, c.measures
FROM agency_counts c
JOIN agency_name n ON n.agency = c.agency
LEFT JOIN place_name pn ON pn.place = c.place
WHERE 1
-- @if :place: AND c.place = :place
ORDER BY c.lead DESC, c.measures DESC, n.name, c.agency, c.place
