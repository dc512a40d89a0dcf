-- Which measures does an agency take part in, in any role? Their ids only (what `kg overlap A B` counts).
-- The SQL twin of agency_measure_ids.rq over the question tables (kg/tables.py); params: :agency (key, required);
-- :place (place key, optional: the measures of that place's documents).
SELECT DISTINCT 'https://w3id.org/pingan-kg/id/agency/' || r.agency AS agency, r.mid AS id
FROM roles r
WHERE r.agency = :agency
-- @if :place: AND r.mid IN (SELECT m.mid FROM measures m JOIN documents d ON d.doc = m.doc WHERE d.place = :place)
