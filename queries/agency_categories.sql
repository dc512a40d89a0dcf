-- What kind of body is an agency (公安, 检察, 党委部门 …)? The categories the plans' lexicon gives it.
-- The SQL twin of agency_categories.rq over the question tables (kg/tables.py); params: :agency (key, required).
SELECT c.category, 'https://w3id.org/pingan-kg/id/agency/' || c.agency AS agency
FROM agency_category c
WHERE c.agency = :agency
ORDER BY c.category
