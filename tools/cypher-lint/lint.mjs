// Lint Cypher statements with Neo4j's own parser (@neo4j-cypher/language-support).
//
// stdin:  JSON, a list of statements: ["MATCH …", …] or [{"name": "…", "cypher": "…"}, …]
// stdout: JSON, one entry per input, in order:
//         {"name": …, "statements": how many statements the parser split the text into,
//          "diagnostics": [{"severity": "error"|"warning"|…, "message": …, "line": 1-based, "column": 1-based}]}
// Diagnostics "Parameter $x is not defined." are dropped: statements use parameters on purpose and
// the linter is given no values for them. Exit status 0 when it ran (whatever it found), 2 on bad input.
//
// Options (environment): CYPHER_VERSION = "CYPHER 5" (default: Neo4j 5 and Aura) or "CYPHER 25".
import { isNotParamError, lintCypherQuery, parseStatementsStrs } from '@neo4j-cypher/language-support';

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const input = JSON.parse(await readStdin());
if (!Array.isArray(input)) {
  process.stderr.write('lint.mjs: expected a JSON list of statements on stdin\n');
  process.exit(2);
}
const schema = { defaultLanguage: process.env.CYPHER_VERSION || 'CYPHER 5' };
const out = input.map((item, i) => {
  const name = typeof item === 'string' ? `#${i}` : (item.name ?? `#${i}`);
  const cypher = typeof item === 'string' ? item : item.cypher;
  const { diagnostics } = lintCypherQuery(cypher, schema, { consoleCommandsEnabled: true });
  return {
    name,
    statements: parseStatementsStrs(cypher).length,
    diagnostics: diagnostics.filter(isNotParamError).map((d) => ({
      severity: SEVERITY[d.severity] ?? String(d.severity),
      message: d.message,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
    })),
  };
});
process.stdout.write(JSON.stringify(out) + '\n');
