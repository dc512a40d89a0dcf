"""Writes the reliability ledger (see reliability_kit) when RELIABILITY_LEDGER names a file."""

from __future__ import annotations

import json
import os

import pytest
from reliability_kit import LEDGER, PROFILE


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    target = os.environ.get("RELIABILITY_LEDGER")
    if not target:
        return
    rows = [{"area": a, "case": c, "outcome": o, "runs": n} for (a, c, o), n in sorted(LEDGER.items())]
    with open(target, "w", encoding="utf-8") as handle:
        json.dump({"profile": PROFILE, "exitstatus": int(exitstatus), "rows": rows}, handle, ensure_ascii=False,
                  indent=1)
        handle.write("\n")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # Known bugs (strict xfails) and any failure go into the ledger too, so the table hides nothing.
    from reliability_kit import record

    name = report.nodeid.split("::", 1)[-1]
    if hasattr(report, "wasxfail") and report.skipped:
        record("known bugs (strict xfail: the test states the wanted behaviour)", f"{name}: {report.wasxfail}",
               "still failing: bug open")
    elif report.failed:
        record("FAILURES", name, f"FAILED during {report.when}")
    elif report.skipped and report.when in ("setup", "call"):
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        record("skipped", name, str(reason).removeprefix("Skipped: "))
