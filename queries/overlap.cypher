// Where do two agencies meet? The measures both take part in, with each one's role.
// params: $agencyA, $agencyB (names as written or canonical)
MATCH (a:Agency)-[ra:LEADS|CO_RESPONSIBLE_FOR|GUIDES|IMPLEMENTS]->(m:Measure)<-[rb:LEADS|CO_RESPONSIBLE_FOR|GUIDES|IMPLEMENTS]-(b:Agency)
WHERE (a.prefLabel = $agencyA OR $agencyA IN a.altLabel)
  AND (b.prefLabel = $agencyB OR $agencyB IN b.altLabel)
MATCH (m)-[:IN_DOCUMENT]->(d:Document)
OPTIONAL MATCH (d)-[:JURISDICTION]->(j:Jurisdiction)
RETURN m.measureId AS id, j.prefLabel AS jurisdiction, m.key AS key, m.heading AS heading, type(ra) AS roleA, type(rb) AS roleB,
       d.title AS title
ORDER BY d.source, m.order;
