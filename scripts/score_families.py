"""Score the extractor on the development corpus, per layout family, and print the table the README shows.

    python scripts/score_families.py [CORPUS_DIR]      # default: tests/data/corpus_dev (a copy of ../shared/corpus-dev)

It reads every ``docs/*.txt`` as ``kg extract`` does, writes the records to a temporary file, and runs the
corpus's scorer (``score.py EXTRACT GOLD --all-pairs``) once on all documents and once per layout family, the
family of each document being the ``families`` column of the corpus README's table. Measures, pair F1 (every
(measure, agency) pair, labelled or inline), lead, targets and statistics are the scorer's own figures.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loaders import read  # noqa: E402 - the project root is put on the path first, for a plain checkout

FAMILIES = {
    "1": "task table flattened to text",
    "2": "牵头单位/责任单位 lines",
    "3": "(X牵头,Y配合) / 由X牵头,Y配合",
    "4": "department duty lists, articles",
    "5": "news and work summaries",
    "6": "province or county documents",
    "7": "Traditional or noisy text",
}
_ALL = re.compile(
    r"ALL: measures (\d+)/(\d+) explicitF1=([\d.]+) \(P=([\d.]+) R=([\d.]+)\) lead (\d+)/(\d+) "
    r"inlineF1=[\d.]+ targets (\d+)/(\d+) reports (\d+)/(\d+)"
)


def families(readme: Path) -> dict[str, list[str]]:
    """The families of each document, from the README's table (| 01_slug | … | 4, 6 | …)."""
    found: dict[str, list[str]] = {}
    header: list[str] = []
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if "families" in cells:
            header = cells
        elif header and len(cells) == len(header) and re.fullmatch(r"\d\d_\w+", cells[0]):
            found[cells[0]] = re.findall(r"\d", cells[header.index("families")])
    return found


def score(extract: Path, gold: Path, scorer: Path) -> tuple[int, ...]:
    out = subprocess.run([sys.executable, str(scorer), str(extract), str(gold), "--all-pairs"],
                         capture_output=True, text=True, check=True).stdout
    match = _ALL.search(out)
    if match is None:
        raise SystemExit(f"the scorer printed no ALL line:\n{out}")
    return tuple(float(g) if "." in g else int(g) for g in match.groups())  # type: ignore[misc]


def row(name: str, docs: int, s: tuple) -> str:
    measures, n_measures, f1, _, _, lead, n_lead, targets, n_targets, stats, n_stats = s
    return (f"| {name} | {docs} | {measures}/{n_measures} | {f1:.3f} | {lead}/{n_lead} | {targets}/{n_targets} "
            f"| {stats}/{n_stats} |")


def main(argv: list[str]) -> int:
    corpus = Path(argv[1]) if len(argv) > 1 else ROOT / "tests" / "data" / "corpus_dev"
    scorer = corpus / "score.py" if (corpus / "score.py").exists() else corpus.parent / "gold" / "score.py"
    docs = sorted((corpus / "docs").glob("*.txt"))
    member = families(corpus / "README.md")
    with tempfile.TemporaryDirectory() as tmp:
        extract = Path(tmp) / "extract.json"
        extract.write_text(json.dumps({"documents": [read(p).to_dict() for p in docs]}, ensure_ascii=False),
                           encoding="utf-8")
        print("| family | documents | measures | pair F1 | lead | targets | statistics |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        print(row("**all**", len(docs), score(extract, corpus / "gold", scorer)))
        for key, name in FAMILIES.items():
            stems = [stem for stem, fams in member.items() if key in fams]
            if not stems:
                print(f"| ({key}) {name} | 0 | — | — | — | — | — |")
                continue
            subset = Path(tmp) / f"gold-{key}"
            subset.mkdir()
            for stem in stems:
                (subset / f"{stem}.json").write_bytes((corpus / "gold" / f"{stem}.json").read_bytes())
            print(row(f"({key}) {name}", len(stems), score(extract, subset, scorer)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
