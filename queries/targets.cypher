// Which quantitative obligations do the plans set, due by a year, and who leads each measure?
// params: $year (integer, or null for all; the SPARQL's ?due); the SPARQL can also keep one agency's measures (?agency: takes part, ?lead: leads), a topic's or a place's
MATCH (m:Measure)-[:HAS_TARGET]->(t:Target)
MATCH (m)-[:IN_DOCUMENT]->(d:Document)
WHERE $year IS NULL OR t.deadlineYear <= $year
OPTIONAL MATCH (lead:Agency)-[:LEADS]->(m)
WITH m, t, d, collect(DISTINCT lead.prefLabel) AS leads
RETURN m.measureId AS id, m.key AS key, t.metric AS metric, t.comparator AS comparator, t.value AS value,
       t.unit AS unit, t.deadline AS deadline, leads, d.title AS title
ORDER BY d.source, m.order;
