-- The agencies of one measure, their roles, and the evidence for each (file, line, exact quote).
-- The SQL twin of measure_assignments.rq over the question tables (kg/tables.py); params: :id (measure id).
SELECT a.mid AS id, 'https://w3id.org/pingan-kg/id/agency/' || a.agency AS agency, a.name, a.as_written AS asWritten,
       a.role, a.basis, d.source AS sourceFile, a.line, a.quote, m.iri || '/a' || a.n AS a
FROM assignments a
JOIN measures m ON m.mid = a.mid
JOIN documents d ON d.doc = m.doc
WHERE a.mid = :id
ORDER BY a
