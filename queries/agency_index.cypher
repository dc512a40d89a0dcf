// Every agency with its names and jurisdiction.
MATCH (a:Agency)-[:JURISDICTION]->(j:Jurisdiction)
RETURN a.prefLabel AS name, a.altLabel AS writtenAs, j.prefLabel AS jurisdiction, a:CollectiveBody AS collective
ORDER BY name;
