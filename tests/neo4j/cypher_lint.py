"""Run Neo4j's own Cypher parser (tools/cypher-lint, npm @neo4j-cypher/language-support) on statements.

The tests that use it skip, saying why, when node or the npm package is missing:
install with `npm ci --prefix tools/cypher-lint`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

LINT_DIR = Path(__file__).resolve().parents[2] / "tools" / "cypher-lint"
PACKAGE = LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support"


def unavailable() -> str | None:
    """Why the parser cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed (the Cypher parser check needs node >= 20)"
    if not PACKAGE.is_dir():
        return "the Cypher parser is not installed: run `npm ci --prefix tools/cypher-lint`"
    return None


def lint(items: list[tuple[str, str]]) -> dict[str, dict]:
    """{name: {"statements": n, "diagnostics": [...]}} for (name, cypher) pairs, in one node process."""
    payload = json.dumps([{"name": n, "cypher": c} for n, c in items], ensure_ascii=False)
    done = subprocess.run(["node", str(LINT_DIR / "lint.mjs")], input=payload.encode("utf-8"),
                          capture_output=True, check=True, timeout=300)
    return {entry["name"]: entry for entry in json.loads(done.stdout)}


def problems(result: dict) -> list[str]:
    """Errors and warnings (deprecations included): both fail the check."""
    return [f"{d['severity']} at {d['line']}:{d['column']}: {d['message']}" for d in result["diagnostics"]
            if d["severity"] in ("error", "warning")]
