// Which measures does an agency take part in, in any role? Their ids only (what kg overlap counts for Jaccard).
// params: $agency (name as written or canonical)
MATCH (a:Agency)-[:LEADS|CO_RESPONSIBLE_FOR|GUIDES|IMPLEMENTS]->(m:Measure)
WHERE a.prefLabel = $agency OR $agency IN a.altLabel
RETURN DISTINCT a.prefLabel AS agency, m.measureId AS id;
