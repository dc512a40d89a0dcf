// Which measures are about a topic (or a narrower one), where, and who leads and helps?
// params: $topic (topic label, e.g. '禁毒'), $jurisdiction (name, or null for all)
MATCH (c:Topic) WHERE $topic = c.prefLabel OR $topic IN c.altLabel OR $topic = c.notation
MATCH (m:Measure)-[:SUBJECT]->(:Concept)-[:BROADER*0..]->(c)
MATCH (m)-[:IN_DOCUMENT]->(d:Document)
OPTIONAL MATCH (d)-[:JURISDICTION]->(j:Jurisdiction)
WITH m, d, j
WHERE $jurisdiction IS NULL OR j.prefLabel = $jurisdiction OR $jurisdiction IN j.altLabel
OPTIONAL MATCH (lead:Agency)-[:LEADS]->(m)
OPTIONAL MATCH (co:Agency)-[:CO_RESPONSIBLE_FOR]->(m)
WITH j, d, m, collect(DISTINCT lead.prefLabel) AS leads, collect(DISTINCT co.prefLabel) AS partners
RETURN j.prefLabel AS jurisdiction, d.year AS year, m.key AS key, m.heading AS heading, leads, partners
ORDER BY year, d.source, m.order;
