// Every jurisdiction with its names.
MATCH (j:Jurisdiction)
RETURN j.prefLabel AS name, j.altLabel AS alsoCalled
ORDER BY name;
