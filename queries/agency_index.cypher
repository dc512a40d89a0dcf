// Every agency with its names and jurisdictions (none when its documents state no place).
MATCH (a:Agency)
OPTIONAL MATCH (a)-[:JURISDICTION]->(j:Jurisdiction)
RETURN a.prefLabel AS name, a.altLabel AS writtenAs, j.prefLabel AS jurisdiction, a:CollectiveBody AS collective
ORDER BY name;
