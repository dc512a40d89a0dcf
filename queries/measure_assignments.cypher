// The agencies of one measure, their roles, and the evidence for each.
// params: $id (measure id)
MATCH (m:Measure {measureId: $id})-[:HAS_ASSIGNMENT]->(x:Assignment)-[:AGENCY]->(a:Agency)
MATCH (x)-[:ROLE]->(r:Role)
MATCH (x)-[:EVIDENCE]->(e:TextQuoteSelector)
RETURN a.prefLabel AS agency, x.asWritten AS asWritten, r.roleCode AS role, x.basis AS basis,
       e.sourceFile AS file, e.line AS line, e.exact AS quote
ORDER BY x.id;
