-- Who carries each topic in each place: agencies by role, counted in measures.
-- The SQL twin of topic_agencies.rq over the question tables (kg/tables.py).
-- params (optional): :topic (topic key: that topic or a narrower one), :place (place key), :agency (agency key)
SELECT 'https://w3id.org/pingan-kg/id/topic/' || ma.topic AS topic, t.zh AS topicLabel,
       'https://w3id.org/pingan-kg/id/place/' || d.place AS place, pn.name AS jurisdiction,
       'https://w3id.org/pingan-kg/id/agency/' || r.agency AS agency, n.name, ac.category, r.role,
       COUNT(DISTINCT r.mid) AS measures
FROM measure_about ma
JOIN topics t ON t.topic = ma.topic
JOIN measures m ON m.mid = ma.mid
JOIN documents d ON d.doc = m.doc
LEFT JOIN place_name pn ON pn.place = d.place
JOIN roles r ON r.mid = ma.mid
JOIN agency_name n ON n.agency = r.agency
LEFT JOIN agency_category ac ON ac.agency = r.agency
WHERE t.zh IS NOT NULL
-- @if :agency: AND r.agency = :agency
-- @if :topic: AND ma.topic = :topic
-- @if :place: AND d.place = :place
GROUP BY ma.topic, t.zh, d.place, pn.name, r.agency, n.name, ac.category, r.role
ORDER BY topicLabel, jurisdiction, r.role, measures DESC, n.name, r.agency, ma.topic, ac.category
