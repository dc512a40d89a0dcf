// Who carries each topic in each place: agencies by role, counted in measures.
// params: $topic (topic label, or null for all); the SPARQL also takes ?place and ?agency (IRIs, optional)
MATCH (c:Topic)
WHERE $topic IS NULL OR $topic = c.prefLabel OR $topic IN c.altLabel
MATCH (m:Measure)-[:SUBJECT]->(:Concept)-[:BROADER*0..]->(c)
MATCH (a:Agency)-[r:LEADS|CO_RESPONSIBLE_FOR|GUIDES|IMPLEMENTS]->(m)-[:IN_DOCUMENT]->(d:Document)
OPTIONAL MATCH (d)-[:JURISDICTION]->(j:Jurisdiction)
RETURN c.prefLabel AS topic, j.prefLabel AS jurisdiction, a.prefLabel AS agency, type(r) AS role,
       count(DISTINCT m) AS measures
ORDER BY topic, jurisdiction, role, measures DESC;
