// Which pairs of agencies share the most measures? Shared count and Jaccard similarity.
// Collective lower levels (各旗县区 …) are left out, as the CLI does by default.
MATCH (a:Agency)-[:LEADS|CO_RESPONSIBLE_FOR|GUIDES|IMPLEMENTS]->(m:Measure)<-[:LEADS|CO_RESPONSIBLE_FOR|GUIDES|IMPLEMENTS]-(b:Agency)
WHERE a.id < b.id AND NOT a:CollectiveBody AND NOT b:CollectiveBody
WITH a, b, count(DISTINCT m) AS shared
MATCH (a)-[:LEADS|CO_RESPONSIBLE_FOR|GUIDES|IMPLEMENTS]->(ma:Measure)
WITH a, b, shared, count(DISTINCT ma) AS nA
MATCH (b)-[:LEADS|CO_RESPONSIBLE_FOR|GUIDES|IMPLEMENTS]->(mb:Measure)
WITH a, b, shared, nA, count(DISTINCT mb) AS nB
RETURN a.prefLabel AS agencyA, b.prefLabel AS agencyB, shared, nA, nB,
       toFloat(shared) / (nA + nB - shared) AS jaccard
ORDER BY shared DESC, jaccard DESC, agencyA, agencyB, a.id, b.id
LIMIT 10;
