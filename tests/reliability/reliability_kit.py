"""Shared pieces of the reliability suite: hypothesis profiles, a time bound, seeds, and the ledger.

The ledger counts every fuzz example, bad file and kill trial by what happened to it; with
``RELIABILITY_LEDGER=path`` set, the suite writes it as JSON when it ends, and
``scripts/reliability.sh`` turns it into the table in RELIABILITY.md. So the numbers in that
file are the numbers a run produced, not numbers typed by hand.

Profiles (``HYPOTHESIS_PROFILE``): ``ci`` (default, runs on every ``pytest``) and ``deep``
(thousands of examples a test and 200 kill trials: ``scripts/reliability.sh``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[2]
SEED_DIR = ROOT / "samples" / "seeds"
SEED_TEXTS: dict[str, str] = {p.name: p.read_text(encoding="utf-8") for p in sorted(SEED_DIR.glob("*.txt"))}

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
settings.register_profile("ci", max_examples=100, deadline=None, suppress_health_check=_SLOW_OK, print_blob=True)
settings.register_profile("deep", max_examples=1500, deadline=None, suppress_health_check=_SLOW_OK, print_blob=True)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
if PROFILE not in ("ci", "deep"):
    raise ValueError(f"HYPOTHESIS_PROFILE must be ci or deep, not {PROFILE!r}")
DEEP = PROFILE == "deep"
FUZZ = settings(settings.get_profile(PROFILE))
# File examples cost about as much as text ones (a temp file, one read): the same budget.
FUZZ_FILES = FUZZ

KILL_TRIALS = int(os.environ.get("RELIABILITY_KILL_TRIALS", "200" if DEEP else "10"))
# How long one parser call on a fuzz example may take. Every parser is linear-ish in its input
# (~20 µs a character for a whole document); seconds here mean backtracking, not a slow machine.
CALL_LIMIT = 10.0
# The same for the one-megabyte lines: a full parse of 1 MB takes ~1–3 s.
BIG_CALL_LIMIT = 30.0

KG = [sys.executable, "-c", "from kg.cli import main; main()"]

LEDGER: Counter[tuple[str, str, str]] = Counter()


def record(area: str, case: str, outcome: str, n: int = 1) -> None:
    """Count one run of ``case`` (a fault or an input family) in ``area`` and how it ended."""
    LEDGER[(area, case, outcome)] += n


class TooSlow(BaseException):
    """Raised by the alarm inside a call that outlived its bound (a BaseException so that no
    ``except Exception`` in the code under test can swallow it)."""


@contextlib.contextmanager
def bounded(seconds: float, what: str) -> Iterator[None]:
    """Fail (AssertionError) if the block runs longer than ``seconds``.

    SIGALRM interrupts pure-Python loops and the re engine alike (sre checks for signals), so a
    catastrophic regex is reported as a failure instead of hanging the suite.
    """

    def alarm(signum: int, frame: object) -> None:
        raise TooSlow

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except TooSlow:
        raise AssertionError(f"{what} took longer than {seconds:g} s (catastrophic backtracking?)") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def one_line(message: str) -> bool:
    return bool(message.strip()) and "\n" not in message and "\r" not in message and "Traceback" not in message
