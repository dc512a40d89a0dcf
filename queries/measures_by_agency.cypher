// Which measures does an agency take part in, and in what role?
// params: $agency (name as written or canonical), $role ('LEADS'|'CO_RESPONSIBLE_FOR'|'GUIDES'|'IMPLEMENTS' or null)
MATCH (a:Agency)-[r:LEADS|CO_RESPONSIBLE_FOR|GUIDES|IMPLEMENTS]->(m:Measure)-[:IN_DOCUMENT]->(d:Document)
WHERE (a.prefLabel = $agency OR $agency IN a.altLabel)
  AND ($role IS NULL OR type(r) = $role)
RETURN a.prefLabel AS agency, type(r) AS role, m.measureId AS id, m.key AS key, m.heading AS heading,
       d.title AS title
ORDER BY d.source, m.order;
