-- Which measures are about a topic (or a narrower one), in which place and year, and who leads and helps?
-- The SQL twin of topic_measures.rq over the question tables (kg/tables.py).
-- params: :topic (topic key, optional); :place (place key, optional)
SELECT 'https://w3id.org/pingan-kg/id/topic/' || ma.topic AS topic,
       'https://w3id.org/pingan-kg/id/place/' || d.place AS place, m.mid AS id, m.key, m.heading, d.title, d.source,
       pn.name AS jurisdiction, d.year AS docYear, m.ord AS "order", NULLIF(m.lead_names, '') AS leads, NULLIF(m.co_names, '') AS partners,
       m.n_targets AS targets
FROM measure_about ma
JOIN measures m ON m.mid = ma.mid
JOIN documents d ON d.doc = m.doc
LEFT JOIN place_name pn ON pn.place = d.place
WHERE 1
-- @if :topic: AND ma.topic = :topic
-- @if :place: AND d.place = :place
ORDER BY d.year, d.source, m.ord, ma.topic
