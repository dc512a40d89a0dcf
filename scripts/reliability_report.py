"""Write the ledger of a reliability run (tests/reliability, RELIABILITY_LEDGER) into RELIABILITY.md.

    python scripts/reliability_report.py LEDGER.json RELIABILITY.md [--seconds N]

Only the part between the ``<!-- ledger:begin -->`` and ``<!-- ledger:end -->`` markers is replaced.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

BEGIN, END = "<!-- ledger:begin -->", "<!-- ledger:end -->"


def render(ledger: dict, seconds: int | None) -> str:
    by_area: dict[str, list[dict]] = defaultdict(list)
    for row in ledger["rows"]:
        by_area[row["area"]].append(row)
    known = sum(r["runs"] for r in ledger["rows"] if r["area"].startswith("known bugs"))
    status = f"all passed, {known} known bug(s) as strict xfails" if ledger["exitstatus"] == 0 else (
        f"pytest exit status {ledger['exitstatus']}: SOME TESTS FAILED")
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    took = f", {seconds // 60} min {seconds % 60} s" if seconds is not None else ""
    lines = [
        f"Last run: profile `{ledger['profile']}`, {when}, Python {platform.python_version()}{took}; {status}.",
        "",
    ]
    for area in sorted(by_area):
        rows = by_area[area]
        total = sum(r["runs"] for r in rows)
        lines += [f"### {area} ({total:,} runs)", "", "| input or fault | runs | result |", "|---|---:|---|"]
        for row in sorted(rows, key=lambda r: (r["case"], r["outcome"])):
            case = row["case"].replace("|", "\\|")
            lines.append(f"| {case} | {row['runs']:,} | {row['outcome']} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ledger", type=Path)
    parser.add_argument("document", type=Path)
    parser.add_argument("--seconds", type=int)
    args = parser.parse_args()
    ledger = json.loads(args.ledger.read_text(encoding="utf-8"))
    text = args.document.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{args.document}: no {BEGIN} … {END} markers")
    table = render(ledger, args.seconds)
    text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: f"{BEGIN}\n{table}{END}", text, flags=re.S)
    args.document.write_text(text, encoding="utf-8")
    print(f"{args.document}: ledger of {sum(r['runs'] for r in ledger['rows']):,} runs written")


if __name__ == "__main__":
    main()
