-- Which quantitative obligations (targets) do the plans set, for which measure, due when, and who leads it?
-- The SQL twin of targets.rq over the question tables (kg/tables.py). A measure's leads (names joined by 、),
-- agencies and topics with their broader topics (keys joined by spaces) are written with it when the store is
-- built.
-- params (all optional, "-- @if" lines): :agency (agency key: measures it takes part in), :lead (agency key:
-- measures it leads), :topic (topic key: measures on it or a narrower one), :due (integer: targets due by the
-- end of that year, a stated deadline).
SELECT m.mid AS id, m.key, m.heading, t.metric, t.comparator, t.value, t.unit, t.deadline,
       t.deadline_year AS deadlineYear, t.quote, t.line, d.title, d.source, pn.name AS jurisdiction,
       m.ord AS "order", m.iri || '/t' || t.n AS t, m.lead_names AS leads,
       CASE WHEN m.agencies = '' THEN ''
            ELSE 'https://w3id.org/pingan-kg/id/agency/'
                 || replace(m.agencies, ' ', ' https://w3id.org/pingan-kg/id/agency/') END AS agencies,
       CASE WHEN m.topics = '' THEN ''
            ELSE 'https://w3id.org/pingan-kg/id/topic/'
                 || replace(m.topics, ' ', ' https://w3id.org/pingan-kg/id/topic/') END AS topics
FROM targets t
JOIN measures m ON m.mid = t.mid
JOIN documents d ON d.doc = m.doc
LEFT JOIN place_name pn ON pn.place = d.place
WHERE 1
-- @if :agency: AND t.mid IN (SELECT mid FROM roles WHERE agency = :agency)
-- @if :lead: AND t.mid IN (SELECT mid FROM roles WHERE agency = :lead AND role = 'lead')
-- @if :topic: AND t.mid IN (SELECT mid FROM measure_about WHERE topic = :topic)
-- @if :due: AND t.deadline_year <= :due
ORDER BY d.source, m.ord, t
