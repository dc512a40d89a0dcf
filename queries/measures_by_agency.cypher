// Which measures does an agency take part in, and in what role?
// params: $agency (name as written or canonical), $role ('LEADS'|'CO_RESPONSIBLE_FOR'|'GUIDES'|'IMPLEMENTS' or null),
// $jurisdiction (name, or null for all). The jurisdiction is the document's (null when it states no place).
MATCH (a:Agency)-[r:LEADS|CO_RESPONSIBLE_FOR|GUIDES|IMPLEMENTS]->(m:Measure)-[:IN_DOCUMENT]->(d:Document)
WHERE (a.prefLabel = $agency OR $agency IN a.altLabel)
  AND ($role IS NULL OR type(r) = $role)
OPTIONAL MATCH (d)-[:JURISDICTION]->(j:Jurisdiction)
WITH a, r, m, d, j
WHERE $jurisdiction IS NULL OR j.prefLabel = $jurisdiction OR $jurisdiction IN j.altLabel
RETURN a.prefLabel AS agency, type(r) AS role, j.prefLabel AS jurisdiction, m.measureId AS id, m.key AS key,
       m.heading AS heading, d.title AS title
ORDER BY d.source, m.order;
