-- Which results do the reports claim, credited to whom, for which period?
-- The SQL twin of outcomes.rq over the question tables (kg/tables.py): an outcome with no unit has no row (the
-- SPARQL file asks for pa:unit). params: :agency (agency key, optional: the outcomes credited to it).
SELECT 'https://w3id.org/pingan-kg/id/agency/' || o.agency AS agency, d.iri || '/o' || o.n AS o,
       o.name AS agencyName, o.as_written AS asWritten, o.metric, o.value, o.unit, o.period,
       o.period_year AS periodYear, o.quote, o.line, d.title, d.source, pn.name AS jurisdiction, d.year AS docYear,
       (SELECT group_concat('https://w3id.org/pingan-kg/id/topic/' || topic, ' ')
        FROM (SELECT topic FROM outcome_about oa WHERE oa.doc = o.doc AND oa.n = o.n ORDER BY topic)) AS topics
FROM outcomes o
JOIN documents d ON d.doc = o.doc
LEFT JOIN place_name pn ON pn.place = d.place
WHERE o.unit IS NOT NULL
-- @if :agency: AND o.agency = :agency
ORDER BY d.source, o
