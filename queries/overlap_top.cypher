// Which pairs of agencies share the most measures? Shared count and Jaccard similarity, per place of the
// measures' documents (a name written in plans of several places, 公安机关, is paired in each place apart;
// null for a plan that states none). Collective lower levels (各旗县区 …) are left out, as the CLI does by default.
// params: $jurisdiction (name, or null for every place)
MATCH (a:Agency)-[:LEADS|CO_RESPONSIBLE_FOR|GUIDES|IMPLEMENTS]->(m:Measure)<-[:LEADS|CO_RESPONSIBLE_FOR|GUIDES|IMPLEMENTS]-(b:Agency)
WHERE a.id < b.id AND NOT a:CollectiveBody AND NOT b:CollectiveBody
MATCH (m)-[:IN_DOCUMENT]->(d:Document)
OPTIONAL MATCH (d)-[:JURISDICTION]->(j:Jurisdiction)
WITH a, b, j, count(DISTINCT m) AS shared
WHERE $jurisdiction IS NULL OR j.prefLabel = $jurisdiction OR $jurisdiction IN j.altLabel
// each agency's measures in the same place (a null place matches a null one)
MATCH (a)-[:LEADS|CO_RESPONSIBLE_FOR|GUIDES|IMPLEMENTS]->(ma:Measure)-[:IN_DOCUMENT]->(da:Document)
OPTIONAL MATCH (da)-[:JURISDICTION]->(ja:Jurisdiction)
WITH a, b, j, shared, ma, ja
WHERE ja = j OR (ja IS NULL AND j IS NULL)
WITH a, b, j, shared, count(DISTINCT ma) AS nA
MATCH (b)-[:LEADS|CO_RESPONSIBLE_FOR|GUIDES|IMPLEMENTS]->(mb:Measure)-[:IN_DOCUMENT]->(db:Document)
OPTIONAL MATCH (db)-[:JURISDICTION]->(jb:Jurisdiction)
WITH a, b, j, shared, nA, mb, jb
WHERE jb = j OR (jb IS NULL AND j IS NULL)
WITH a, b, j, shared, nA, count(DISTINCT mb) AS nB
RETURN a.prefLabel AS agencyA, b.prefLabel AS agencyB, j.prefLabel AS jurisdiction, shared, nA, nB,
       toFloat(shared) / (nA + nB - shared) AS jaccard
ORDER BY shared DESC, jaccard DESC, agencyA, agencyB, a.id, b.id, jurisdiction
LIMIT 10;
