// Which agencies share measures with one agency, how many, and how alike are their measure sets (Jaccard)?
// Per place of the shared measures' documents, as overlap_top (null for a plan that states none).
// params: $agency (name as written or canonical)
MATCH (a:Agency)-[:LEADS|CO_RESPONSIBLE_FOR|GUIDES|IMPLEMENTS]->(m:Measure)<-[:LEADS|CO_RESPONSIBLE_FOR|GUIDES|IMPLEMENTS]-(b:Agency)
WHERE (a.prefLabel = $agency OR $agency IN a.altLabel) AND a <> b
MATCH (m)-[:IN_DOCUMENT]->(d:Document)
OPTIONAL MATCH (d)-[:JURISDICTION]->(j:Jurisdiction)
WITH a, b, j, count(DISTINCT m) AS shared
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
RETURN a.prefLabel AS agency, b.prefLabel AS partner, j.prefLabel AS jurisdiction, shared, nA, nB,
       toFloat(shared) / (nA + nB - shared) AS jaccard
ORDER BY shared DESC, jaccard DESC, partner, jurisdiction;
