-- Every document in the store with its kind, place, date and the warnings its loader raised.
-- The SQL twin of documents.rq over the question tables (kg/tables.py); params: none.
SELECT d.iri AS d, d.title, d.kind, d.source, d.issued AS date, d.year, pn.name AS jurisdiction,
       (SELECT group_concat(warning, ' | ') FROM (
           SELECT warning FROM doc_warnings w WHERE w.doc = d.doc ORDER BY w.n)) AS warnings,
       (SELECT COUNT(*) FROM measures m WHERE m.doc = d.doc) AS measures
FROM documents d
LEFT JOIN place_name pn ON pn.place = d.place
ORDER BY d.source, d.iri
