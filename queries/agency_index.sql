-- Every agency with its names and jurisdictions (none when no document naming it states a place; several when
-- documents of different places give one name, 公安机关): the index the CLI resolves a typed name against.
-- The SQL twin of agency_index.rq over the question tables (kg/tables.py); params: none.
SELECT DISTINCT 'https://w3id.org/pingan-kg/id/agency/' || n.agency AS agency, n.name, al.alt,
       'https://w3id.org/pingan-kg/id/place/' || ap.place AS place, pn.name AS jurisdiction,
       c.agency IS NOT NULL AS collective
FROM agency_name n
LEFT JOIN agency_place ap ON ap.agency = n.agency
LEFT JOIN place_name pn ON pn.place = ap.place
LEFT JOIN agency_alt al ON al.agency = n.agency
LEFT JOIN agency_collective c ON c.agency = n.agency
ORDER BY n.name, al.alt, n.agency, ap.place
