// What kind of body is an agency (公安, 检察, 党委部门 …)? The categories the plans' lexicon gives it.
// params: $agency (name as written or canonical)
MATCH (a:Agency)
WHERE (a.prefLabel = $agency OR $agency IN a.altLabel) AND a.category IS NOT NULL
RETURN a.category AS category, a.prefLabel AS agency
ORDER BY agency;
