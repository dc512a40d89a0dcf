// Which results do the reports claim, credited to whom, for which period?
// params: $agency (name as written or canonical, or null for all; the SPARQL binds the agency IRI as ?agency)
MATCH (d:Report)-[:HAS_OUTCOME]->(o:Outcome)
OPTIONAL MATCH (o)-[:REPORTED_BY]->(a:Agency)
WITH d, o, a
WHERE $agency IS NULL OR a.prefLabel = $agency OR $agency IN a.altLabel
RETURN a.prefLabel AS agency, o.metric AS metric, o.value AS value, o.unit AS unit, o.period AS period,
       d.title AS title
ORDER BY o.periodYear, d.source;
