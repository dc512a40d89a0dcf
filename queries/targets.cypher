// Which quantitative obligations do the plans set, due by a year, and who leads each measure?
// params (each null for all, as `kg targets` without the option): $year (integer: targets due by the end of that
// year, a stated deadline; --due), $agency (name as written or canonical: measures it takes part in; --agency),
// $role ('LEADS'|'CO_RESPONSIBLE_FOR'|'GUIDES'|'IMPLEMENTS': only in that role; 'LEADS' is the targets of the
// measures an agency leads, as `kg agency` lists them), $topic (topic label: measures on it or a narrower one;
// --topic), $jurisdiction (name: the targets of that place's documents; --jurisdiction)
MATCH (m:Measure)-[:HAS_TARGET]->(t:Target)
WHERE $year IS NULL OR t.deadlineYear <= $year
MATCH (m)-[:IN_DOCUMENT]->(d:Document)
OPTIONAL MATCH (d)-[:JURISDICTION]->(j:Jurisdiction)
WITH m, t, d, j
WHERE ($jurisdiction IS NULL OR j.prefLabel = $jurisdiction OR $jurisdiction IN j.altLabel)
  AND ($agency IS NULL OR EXISTS {
        MATCH (a:Agency)-[r:LEADS|CO_RESPONSIBLE_FOR|GUIDES|IMPLEMENTS]->(m)
        WHERE (a.prefLabel = $agency OR $agency IN a.altLabel) AND ($role IS NULL OR type(r) = $role) })
  AND ($topic IS NULL OR EXISTS {
        MATCH (m)-[:SUBJECT]->(:Concept)-[:BROADER*0..]->(c:Topic)
        WHERE $topic = c.prefLabel OR $topic IN c.altLabel OR $topic = c.notation })
OPTIONAL MATCH (lead:Agency)-[:LEADS]->(m)
WITH m, t, d, j, collect(DISTINCT lead.prefLabel) AS leads
RETURN m.measureId AS id, m.key AS key, t.metric AS metric, t.comparator AS comparator, t.value AS value,
       t.unit AS unit, t.deadline AS deadline, leads, j.prefLabel AS jurisdiction, d.title AS title
ORDER BY d.source, m.order, t.id;
