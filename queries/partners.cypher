// Which agencies share measures with one agency, how many, and how alike are their measure sets (Jaccard)?
// params: $agency (name as written or canonical)
MATCH (a:Agency)-[:LEADS|CO_RESPONSIBLE_FOR|GUIDES|IMPLEMENTS]->(m:Measure)<-[:LEADS|CO_RESPONSIBLE_FOR|GUIDES|IMPLEMENTS]-(b:Agency)
WHERE (a.prefLabel = $agency OR $agency IN a.altLabel) AND a <> b
WITH a, b, count(DISTINCT m) AS shared
MATCH (a)-[:LEADS|CO_RESPONSIBLE_FOR|GUIDES|IMPLEMENTS]->(ma:Measure)
WITH a, b, shared, count(DISTINCT ma) AS nA
MATCH (b)-[:LEADS|CO_RESPONSIBLE_FOR|GUIDES|IMPLEMENTS]->(mb:Measure)
WITH a, b, shared, nA, count(DISTINCT mb) AS nB
RETURN a.prefLabel AS agency, b.prefLabel AS partner, shared, nA, nB,
       toFloat(shared) / (nA + nB - shared) AS jaccard
ORDER BY shared DESC, jaccard DESC, partner;
