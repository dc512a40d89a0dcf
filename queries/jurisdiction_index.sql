-- Every jurisdiction with its names, for resolving --jurisdiction.
-- The SQL twin of jurisdiction_index.rq over the question tables (kg/tables.py); params: none.
SELECT DISTINCT 'https://w3id.org/pingan-kg/id/place/' || p.place AS place, p.name, a.alt
FROM place_name p
LEFT JOIN place_alt a ON a.place = p.place
ORDER BY p.name, a.alt, p.place
