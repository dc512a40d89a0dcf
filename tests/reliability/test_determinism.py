"""The same input gives byte-identical output and the same node ids: across runs, across processes with
different hash seeds, and wherever the file sits (ids come from content and position, never from
randomness, the clock or the path). So re-pushing to Neo4j or diffing two exports means something.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from reliability_kit import KG, ROOT, SEED_DIR, record

# Runs in a child: every seed's N-Triples digest and its node ids, as JSON on stdout.
_DIGESTS = """
import hashlib, json, sys
from pathlib import Path
import loaders
from kg.triples import document_ntriples
out = {}
for path in sorted(Path(sys.argv[1]).glob("*.txt")):
    doc = loaders.read(path)
    nt = document_ntriples(doc)
    subjects = sorted({line.split(" ", 1)[0] for line in nt.splitlines()})
    out[path.name] = {"sha256": hashlib.sha256(nt.encode("utf-8")).hexdigest(), "ids": subjects}
print(json.dumps(out, ensure_ascii=False, sort_keys=True))
"""


def child(args: list[str], hash_seed: str, cwd: Path | None = None) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=cwd, timeout=300)
    assert done.returncode in (0, 1), done.stderr  # 1: a seed's warning-free read is not asked for here
    return done.stdout


def test_ntriples_and_node_ids_are_the_same_under_any_hash_seed() -> None:
    runs = [child([sys.executable, "-c", _DIGESTS, str(SEED_DIR)], seed) for seed in ("0", "1", "4242")]
    assert runs[0] and runs[0] == runs[1] == runs[2]
    record("determinism", "document_ntriples of the 5 seeds, PYTHONHASHSEED 0/1/4242", "byte-identical", 3)


def test_node_ids_do_not_depend_on_where_the_file_is(tmp_path: Path) -> None:
    elsewhere = tmp_path / "copied" / "deeper"
    shutil.copytree(SEED_DIR, elsewhere)
    here = json.loads(child([sys.executable, "-c", _DIGESTS, str(SEED_DIR)], "7"))
    there = json.loads(child([sys.executable, "-c", _DIGESTS, str(elsewhere)], "8"))
    assert {name: v["ids"] for name, v in here.items()} == {name: v["ids"] for name, v in there.items()}
    record("determinism", "node ids of the 5 seeds copied to another folder", "the same ids")


def test_extract_json_is_byte_identical_across_runs(tmp_path: Path) -> None:
    # A relative path, as a user types it, so the output does not depend on where tmp_path is.
    files = sorted(p.name for p in SEED_DIR.glob("*.txt"))
    outputs = [child([*KG, "extract", "--format", "json", *files], seed, cwd=SEED_DIR) for seed in ("0", "99")]
    assert outputs[0].startswith("{") and outputs[0] == outputs[1]
    record("determinism", "kg extract --format json of the 5 seeds, two processes", "byte-identical", 2)


# Runs in a child: every triple (sorted) and four listings of a store, through the CLI.
_LISTINGS = """
import sys
from click.testing import CliRunner
from kg.cli import cli
store = sys.argv[1]
every = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
for args in (["sparql", every], ["agencies"], ["gaps"], ["targets"], ["outcomes"]):
    result = CliRunner().invoke(cli, [*args, "--format", "json", "--store", store])
    assert result.exit_code == 0, result.output
    sys.stdout.write(result.stdout)
"""


def test_two_builds_of_the_same_files_answer_identically(tmp_path: Path) -> None:
    answers = []
    for n, seed in enumerate(("3", "5")):
        store = tmp_path / f"store{n}"
        child([*KG, "build", str(SEED_DIR), "--store", str(store)], seed)
        answers.append(child([sys.executable, "-c", _LISTINGS, str(store)], seed))
    assert answers[0] and answers[0] == answers[1]
    record("determinism", "two builds of the seeds: every triple and 4 listings", "byte-identical", 2)
