-- Measures a careful reader should check: no responsible unit at all, no lead, or more than one lead.
-- The SQL twin of lint_measures.rq over the question tables (kg/tables.py); params: none.
SELECT m.mid AS id, m.key, m.heading, d.source, pn.name AS jurisdiction, m.ord AS "order",
       m.n_assignments AS assignments, m.n_leads AS leads
FROM measures m
JOIN documents d ON d.doc = m.doc
LEFT JOIN place_name pn ON pn.place = d.place
WHERE m.n_leads != 1
ORDER BY d.source, m.ord
