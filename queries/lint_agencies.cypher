// Agencies whose name may not have been resolved: not prefixed by their place, or tied to several places.
MATCH (a:Agency)
OPTIONAL MATCH (a)-[:JURISDICTION]->(j:Jurisdiction)
WITH a, collect(j.prefLabel) AS places
WHERE size(places) <> 1 OR NOT any(p IN places WHERE a.prefLabel STARTS WITH p)
RETURN a.prefLabel AS name, places, a.altLabel AS writtenAs
ORDER BY name;
