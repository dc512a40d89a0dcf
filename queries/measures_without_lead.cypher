// Which measures have no lead agency?
// params: $jurisdiction (name, or null for all)
MATCH (m:Measure)-[:IN_DOCUMENT]->(d:Document)
WHERE NOT (m)<-[:LEADS]-(:Agency)
OPTIONAL MATCH (d)-[:JURISDICTION]->(j:Jurisdiction)
WITH m, d, j
WHERE $jurisdiction IS NULL OR j.prefLabel = $jurisdiction OR $jurisdiction IN j.altLabel
OPTIONAL MATCH (m)<-[r:CO_RESPONSIBLE_FOR|GUIDES|IMPLEMENTS]-(:Agency)
WITH m, d, j, count(r) AS assignments
RETURN m.measureId AS id, j.prefLabel AS jurisdiction, m.key AS key, m.heading AS heading, d.title AS title,
       assignments
ORDER BY d.source, m.order;
