-- Which quantitative obligations (targets) do the plans set, for which measure, due when, and who leads it?
-- The SQL twin of targets.rq over the question tables (kg/tables.py). A measure's leads (names joined by 、),
-- agencies and topics with their broader topics (keys joined by spaces) are written with it when the store is
-- built, and its leads again with each of its targets, with how the target reads in one cell (target: ">= 100 %,
-- by 2015", kg.tables.target_text; queries.targets adds it to the SPARQL file's rows).
-- params (all optional, "-- @if" lines): :agency (agency key: measures it takes part in), :lead (agency key:
-- measures it leads), :topic (topic key: measures on it or a narrower one), :due (integer: targets due by the
-- end of that year, a stated deadline), :place (place key: targets of that place's documents).
SELECT t.mid AS id, t.key, m.heading, t.metric, t.comparator, t.value, t.unit, t.deadline,
       t.deadline_year AS deadlineYear, t.quote, t.line, d.title, t.source, pn.name AS jurisdiction,
       t.ord AS "order", t.iri AS t, t.lead_names AS leads,
       CASE WHEN m.agencies = '' THEN ''
            ELSE 'https://w3id.org/pingan-kg/id/agency/'
                 || replace(m.agencies, ' ', ' https://w3id.org/pingan-kg/id/agency/') END AS agencies,
       CASE WHEN m.topics = '' THEN ''
            ELSE 'https://w3id.org/pingan-kg/id/topic/'
                 || replace(m.topics, ' ', ' https://w3id.org/pingan-kg/id/topic/') END AS topics,
       t.target
-- Every target has its measure and its document: the joins are LEFT ones only so that SQLite leaves out those
-- whose columns a caller does not ask for (queries._ask's columns); a target row carries its measure's key,
-- order and leads and its document's source and place itself (kg/tables.py).
FROM targets t
LEFT JOIN measures m ON m.mid = t.mid
LEFT JOIN documents d ON d.doc = t.doc
LEFT JOIN place_name pn ON pn.place = t.place
WHERE 1
-- @if :agency: AND t.mid IN (SELECT mid FROM roles WHERE agency = :agency)
-- @if :lead: AND t.mid IN (SELECT mid FROM roles WHERE agency = :lead AND role = 'lead')
-- @if :topic: AND t.mid IN (SELECT mid FROM measure_about WHERE topic = :topic)
-- @if :due: AND t.deadline_year <= :due
-- @if :place: AND t.place = :place
ORDER BY t.source, t.ord, t.iri
