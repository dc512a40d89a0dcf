-- Every topic of the scheme with its labels, for resolving a typed topic name (禁毒, drug control, 电信诈骗).
-- The SQL twin of topic_index.rq over the question tables (kg/tables.py); params: none.
SELECT DISTINCT 'https://w3id.org/pingan-kg/id/topic/' || t.topic AS topic, t.notation, l.label, t.zh, t.en
FROM topics t
JOIN topic_labels l ON l.topic = t.topic
ORDER BY t.notation, l.label
