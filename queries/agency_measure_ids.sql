-- Which measures does an agency take part in, in any role? Their ids only (what `kg overlap A B` counts).
-- The SQL twin of agency_measure_ids.rq over the question tables (kg/tables.py); params: :agency (key, required).
SELECT DISTINCT 'https://w3id.org/pingan-kg/id/agency/' || r.agency AS agency, r.mid AS id
FROM roles r
WHERE r.agency = :agency
