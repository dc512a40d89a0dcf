// Measures a careful reader should check: no responsible unit, no lead, or more than one lead.
MATCH (m:Measure)-[:IN_DOCUMENT]->(d:Document)
OPTIONAL MATCH (lead:Agency)-[:LEADS]->(m)
OPTIONAL MATCH (any:Agency)-[:LEADS|CO_RESPONSIBLE_FOR|GUIDES|IMPLEMENTS]->(m)
WITH m, d, count(DISTINCT lead) AS leads, count(DISTINCT any) AS agencies
WHERE leads <> 1
RETURN m.measureId AS id, m.key AS key, m.heading AS heading, d.source AS source, agencies, leads
ORDER BY d.source, m.order;
