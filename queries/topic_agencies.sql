-- Who carries each topic in each place: agencies by role, counted in measures.
-- The SQL twin of topic_agencies.rq over the question tables (kg/tables.py): the measures about each topic (or a
-- narrower one) are counted per place, agency and role when the store is built (table topic_agency_counts;
-- counting them here from the measures took 0.6 s for one place at 100k measures).
-- params (optional): :topic (topic key: that topic or a narrower one), :place (place key), :agency (agency key)
SELECT 'https://w3id.org/pingan-kg/id/topic/' || c.topic AS topic, t.zh AS topicLabel,
       'https://w3id.org/pingan-kg/id/place/' || NULLIF(c.place, '') AS place, pn.name AS jurisdiction,
       'https://w3id.org/pingan-kg/id/agency/' || c.agency AS agency, n.name, ac.category, c.role, c.measures
FROM topic_agency_counts c
JOIN topics t ON t.topic = c.topic
LEFT JOIN place_name pn ON pn.place = c.place
JOIN agency_name n ON n.agency = c.agency
LEFT JOIN agency_category ac ON ac.agency = c.agency
WHERE t.zh IS NOT NULL
-- @if :agency: AND c.agency = :agency
-- @if :topic: AND c.topic = :topic
-- @if :place: AND c.place = :place
ORDER BY topicLabel, jurisdiction, c.role, c.measures DESC, n.name, c.agency, c.topic, ac.category
