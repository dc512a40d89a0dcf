// Every document with its kind, place, date and loader warnings.
MATCH (d:Document)
OPTIONAL MATCH (m:Measure)-[:IN_DOCUMENT]->(d)
OPTIONAL MATCH (d)-[:JURISDICTION]->(j:Jurisdiction)
RETURN d.title AS title, d.kind AS kind, d.source AS source, d.issued AS date, j.prefLabel AS jurisdiction,
       d.loaderWarning AS warnings, count(m) AS measures
ORDER BY source;
