// Which measures have no lead agency?
// params: $jurisdiction (name, or null for all)
MATCH (m:Measure)-[:IN_DOCUMENT]->(d:Document)-[:JURISDICTION]->(j:Jurisdiction)
WHERE NOT (m)<-[:LEADS]-(:Agency)
  AND ($jurisdiction IS NULL OR j.prefLabel = $jurisdiction OR $jurisdiction IN j.altLabel)
OPTIONAL MATCH (m)<-[r:CO_RESPONSIBLE_FOR|GUIDES|IMPLEMENTS]-(:Agency)
WITH m, d, count(r) AS assignments
RETURN m.measureId AS id, m.key AS key, m.heading AS heading, d.title AS title, assignments
ORDER BY d.source, m.order;
