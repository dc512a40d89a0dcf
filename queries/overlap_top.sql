-- Which pairs of agencies share the most measures? Shared count and Jaccard similarity of their measure sets.
-- The SQL twin of overlap_top.rq, and with :agency of partners.rq, over the question tables (kg/tables.py): the
-- pairs and each agency's measure count are summed per document when the store is built (tables "pairs",
-- "agency_counts"), so this reads them instead of joining every measure's agencies.
-- params: :agencyA or :agencyB (agency key, optional: the pairs in which that agency is A, or B); :agency
-- (optional: the pairs it is in, either side); :place (place key, optional: the pairs counted in that place's
-- documents). A pair's A is the lesser key, as in the SPARQL files. Pairs and counts are per place of the
-- measures' documents (the jurisdiction; none for a plan that states no place).
SELECT 'https://w3id.org/pingan-kg/id/agency/' || p.a AS agencyA, na.name AS nameA,
       'https://w3id.org/pingan-kg/id/agency/' || p.b AS agencyB, nb.name AS nameB, pn.name AS jurisdiction,
       p.shared, ca.measures AS nA, cb.measures AS nB,
       CAST(p.shared AS REAL) / (ca.measures + cb.measures - p.shared) AS jaccard,
       EXISTS (SELECT 1 FROM agency_collective c WHERE c.agency = p.a OR c.agency = p.b) AS collective
FROM pairs p
JOIN agency_counts ca ON ca.agency = p.a AND ca.place = p.place
JOIN agency_counts cb ON cb.agency = p.b AND cb.place = p.place
JOIN agency_name na ON na.agency = p.a
JOIN agency_name nb ON nb.agency = p.b
LEFT JOIN place_name pn ON pn.place = p.place
WHERE 1
-- @if :agencyA: AND p.a = :agencyA
-- @if :agencyB: AND p.b = :agencyB
-- @if :agency: AND (p.a = :agency OR p.b = :agency)
-- @if :place: AND p.place = :place
ORDER BY p.shared DESC, jaccard DESC, nameA, nameB, p.a, p.b, jurisdiction
