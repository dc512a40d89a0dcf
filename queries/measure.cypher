// One measure, its agencies with roles, and its document.
// params: $id (measure id)
MATCH (m:Measure {measureId: $id})-[:IN_DOCUMENT]->(d:Document)
OPTIONAL MATCH (a:Agency)-[r:LEADS|CO_RESPONSIBLE_FOR|GUIDES|IMPLEMENTS]->(m)
RETURN m.key AS key, m.heading AS heading, m.text AS text, d.title AS title, d.source AS source,
       collect({agency: a.prefLabel, role: type(r)}) AS agencies;
