// Every agency, with how many measures it takes part in, by role: a row per place of the measures' documents
// (a name written in plans of several places, 公安机关, is counted in each; null for a plan that states none).
// params: $jurisdiction (name, or null for all)
MATCH (a:Agency)-[r:LEADS|CO_RESPONSIBLE_FOR|GUIDES|IMPLEMENTS]->(m:Measure)-[:IN_DOCUMENT]->(d:Document)
OPTIONAL MATCH (d)-[:JURISDICTION]->(j:Jurisdiction)
WITH a, r, m, j
WHERE $jurisdiction IS NULL OR j.prefLabel = $jurisdiction OR $jurisdiction IN j.altLabel
RETURN a.prefLabel AS name, j.prefLabel AS jurisdiction,
       count(DISTINCT CASE WHEN type(r) = 'LEADS' THEN m END) AS lead,
       count(DISTINCT CASE WHEN type(r) = 'CO_RESPONSIBLE_FOR' THEN m END) AS co,
       count(DISTINCT CASE WHEN type(r) = 'GUIDES' THEN m END) AS guide,
       count(DISTINCT CASE WHEN type(r) = 'IMPLEMENTS' THEN m END) AS implement,
       count(DISTINCT m) AS measures
ORDER BY lead DESC, measures DESC, name;
