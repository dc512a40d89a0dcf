-- Agencies whose name may not have been resolved: a canonical name that does not start with its place,
-- or one name tied to several places. A list with nothing in it is NULL, as pyoxigraph gives an empty GROUP_CONCAT.
-- The SQL twin of lint_agencies.rq over the question tables (kg/tables.py); params: none.
SELECT 'https://w3id.org/pingan-kg/id/agency/' || n.agency AS agency, n.name,
       (SELECT group_concat(name, '、') FROM (
           SELECT DISTINCT pn.name FROM agency_place ap JOIN place_name pn ON pn.place = ap.place
           WHERE ap.agency = n.agency ORDER BY pn.name)) AS places,
       (SELECT COUNT(*) FROM agency_place ap WHERE ap.agency = n.agency) AS nPlaces,
       (SELECT group_concat(alt, '、') FROM (
           SELECT alt FROM agency_alt al WHERE al.agency = n.agency ORDER BY alt)) AS written
FROM agency_name n
ORDER BY n.name, n.agency
