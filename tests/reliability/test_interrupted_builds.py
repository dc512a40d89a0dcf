"""Builds killed with SIGKILL at random moments, and two builds at once.

After every kill the store must answer exactly as one complete graph: the one before the build or
the one the build was making (if the kill came after its commit), never a mixture, never an error;
and the next build must work. Delays come from a seeded random generator, so a failing trial can be
replayed (its seed and delay are in the message). The ``deep`` profile runs 200 trials.

tests/kg/test_store.py already checks a simulated leftover (a half-written generation, a stale
CURRENT.tmp) in process; here the build really dies, in whatever phase it happens to be: reading,
converting, bulk loading, optimising, switching CURRENT, pruning the cache.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
from reliability_kit import KG, KILL_TRIALS, SEED_TEXTS, record

SEED = 20240607


def make_sets(root: Path) -> dict[str, Path]:
    """Three inputs: ``a`` (ten plans), ``a2`` (``a`` with one plan changed: an incremental build) and ``b``
    (other plans: a full rebuild)."""
    names = sorted(SEED_TEXTS)
    sets: dict[str, Path] = {}
    for label, picks in (("a", range(10)), ("a2", range(10)), ("b", range(10, 13))):
        folder = root / label
        folder.mkdir()
        for n in picks:
            text = SEED_TEXTS[names[n % len(names)]]
            variant = n if not (label == "a2" and n == 3) else 103
            (folder / f"plan{n:02d}.txt").write_text(text + f"\n（本件第{variant}份）\n", encoding="utf-8")
        sets[label] = folder
    return sets


def kg(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KG, *args], capture_output=True, text=True, timeout=timeout)


def fingerprint(store: Path) -> str:
    """What a user sees of the graph: `kg agencies` and `kg gaps` (in process: the kills are what need
    separate processes, not the questions)."""
    from click.testing import CliRunner

    from kg.cli import cli

    answers = []
    for command in ("agencies", "gaps"):
        out = CliRunner().invoke(cli, [command, "--format", "json", "--store", str(store)])
        assert out.exit_code == 0, f"kg {command} failed: {out.output.strip()}"
        answers.append(json.loads(out.stdout)["rows"])
    return json.dumps(answers, ensure_ascii=False, sort_keys=True)


def describe(seen: str, old: str) -> str:
    """The rows that differ from the old graph's, for the failure message."""
    out = []
    for name, now, before in zip(("agencies", "gaps"), json.loads(seen), json.loads(old), strict=True):
        key = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in now]
        was = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in before]
        if sorted(key) == sorted(was):
            out.append(f"{name}: same rows in another order" if key != was else f"{name}: same")
        else:
            out.append(f"{name}: {len(was)} rows before, {len(key)} now; new: {sorted(set(key) - set(was))[:2]}; "
                       f"gone: {sorted(set(was) - set(key))[:2]}")
    return "; ".join(out)


def build(store: Path, folder: Path) -> subprocess.CompletedProcess[str]:
    return kg("build", str(folder), "--store", str(store))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Path], dict[str, str], float]:
    """The input sets, the graph each gives (built in a store of its own) and how long a build takes."""
    root = tmp_path_factory.mktemp("kill")
    sets = make_sets(root)
    expected: dict[str, str] = {}
    took = []
    for label, folder in sets.items():
        store = root / f"ref-{label}"
        start = time.perf_counter()
        done = build(store, folder)
        took.append(time.perf_counter() - start)
        assert done.returncode == 0, done.stderr
        expected[label] = fingerprint(store)
    assert len(set(expected.values())) == 3
    return sets, expected, max(took)


def kill_build_after(store: Path, folder: Path, delay: float) -> int | None:
    """Start a build, SIGKILL it (and any worker it forked) after ``delay`` seconds; its exit code if it
    finished first."""
    proc = subprocess.Popen(
        [*KG, "build", str(folder), "--store", str(store)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the kill takes the workers too
    )
    try:
        proc.wait(timeout=delay)
        return proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return None


def test_a_build_killed_at_any_moment_leaves_one_complete_graph(
    corpus: tuple[dict[str, Path], dict[str, str], float], tmp_path: Path
) -> None:
    sets, expected, took = corpus
    rng = random.Random(SEED)
    store = tmp_path / "store"
    assert build(store, sets["a"]).returncode == 0
    # The references were built a moment ago; a difference here means the code changed in between.
    assert fingerprint(store) == expected["a"], "a fresh build differs from the reference: code edited mid-run?"
    live = "a"
    for trial in range(KILL_TRIALS):
        target = rng.choice([label for label in sets if label != live])
        delay = rng.uniform(0.05, took * 1.1)
        finished = kill_build_after(store, sets[target], delay)
        where = f"trial {trial} (seed {SEED}, delay {delay:.3f} s, {live} → {target})"
        seen = fingerprint(store)
        assert seen in (expected[live], expected[target]), (
            f"{where}: the graph is neither the old nor the new one: {describe(seen, expected[live])}"
        )
        if seen == expected[target]:
            outcome = "finished before the kill" if finished == 0 else "killed after its commit: the new graph"
            live = target
        else:
            outcome = "killed before its commit: the old graph"
        record("interrupted builds", "kg build killed with SIGKILL at a random moment", outcome)
        if trial % 5 == 4:  # the store still builds, and builds right, after what the kills left behind
            again = rng.choice(sorted(sets))
            done = build(store, sets[again])
            assert done.returncode == 0, f"{where}: the next build failed: {done.stderr.strip()}"
            assert fingerprint(store) == expected[again], f"{where}: the next build gave a different graph"
            live = again
            record("interrupted builds", "a build after kills", "the exact graph of its input")
    done = build(store, sets["b"])
    assert done.returncode == 0 and fingerprint(store) == expected["b"]
    generations = [p for p in store.iterdir() if p.name.startswith("gen-")]
    assert len(generations) <= 2, f"leftover generations: {sorted(p.name for p in generations)}"


# ------------------------------------------------------------------ two builds at once, readers during a build


def _lock_holder(store: Path) -> int | None:
    """The pid holding the store's build lock (an flock on .lock), from /proc/locks."""
    try:
        inode = (store / ".lock").stat().st_ino
    except FileNotFoundError:
        return None
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "FLOCK" in fields and fields[-3].endswith(f":{inode}"):
            return int(fields[-4])
    return None


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs /proc/locks to see who holds the lock")
def test_a_second_build_is_refused_and_readers_see_the_old_graph(tmp_path: Path) -> None:
    sets = make_sets(tmp_path)
    store = tmp_path / "store"
    assert build(store, sets["a"]).returncode == 0
    old = fingerprint(store)
    # A bigger input, so the first build holds the lock for a while: fifteen plans.
    big = tmp_path / "big"
    big.mkdir()
    names = sorted(SEED_TEXTS)
    for n in range(15):
        (big / f"p{n:02d}.txt").write_text(SEED_TEXTS[names[n % 5]] + f"\n（第{n}份）\n", encoding="utf-8")
    first = subprocess.Popen([*KG, "build", str(big), "--store", str(store)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while _lock_holder(store) is None and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _lock_holder(store) is not None, "the first build never took the lock"
        second = build(store, sets["b"])
        reader = fingerprint(store)
        still_locked = _lock_holder(store) is not None
    finally:
        out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert second.returncode == 1
    assert second.stderr.strip().splitlines()[-1] == f"Error: another build is writing {store}; wait for it to finish"
    assert "Traceback" not in second.stderr
    if still_locked:  # the reader ran while the first build was writing
        assert reader == old
        record("concurrency", "a reader during a build (kg agencies, kg gaps)", "saw the old graph")
    record("concurrency", "a second kg build while one is writing", "refused with one line; the first finished")
    new = fingerprint(store)
    assert new != old and "15 documents" in out
