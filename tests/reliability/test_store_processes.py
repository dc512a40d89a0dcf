"""Builds stopped by a signal, and readers that outlive builds.

* SIGKILL or SIGTERM to the build's own process (not to its workers): the workers must die with it and the lock
  must be free at once for the next build (before, they read on for minutes and held the lock).
* Ctrl-C (SIGINT to the whole process group, as a terminal sends it): exit 130, one line, no worker traceback.
* A reader that opened the store before two builds finished keeps its generation until it is done.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from reliability_kit import KG, SEED_TEXTS, one_line, record


def corpus(root: Path, files: int = 120) -> Path:
    """Enough plans that reading them takes a few seconds with two workers."""
    folder = root / "plans"
    folder.mkdir()
    texts = list(SEED_TEXTS.values())
    for n in range(files):
        (folder / f"plan{n:03d}.txt").write_text(texts[n % len(texts)] + f"\n（本件第{n}份）\n", encoding="utf-8")
    return folder


def start_build(folder: Path, store: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([*KG, "build", str(folder), "--store", str(store), "--jobs", "2", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def workers_of(parent: int) -> list[int]:
    """The worker processes a build started (children of ``parent``), alive or not yet reaped."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for_workers(build: subprocess.Popen[str], timeout: float = 60) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = workers_of(build.pid)
        if len(found) >= 2:
            return found
        time.sleep(0.05)
    raise AssertionError("the build started no workers")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc and PR_SET_PDEATHSIG")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_workers_die_with_their_build_and_the_lock_is_free(tmp_path: Path, sig: signal.Signals) -> None:
    folder, store = corpus(tmp_path), tmp_path / "s"
    build = start_build(folder, store)
    workers = wait_for_workers(build)
    time.sleep(0.5)
    build.send_signal(sig)  # the build's own process only
    _, err = build.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(w) for w in workers), f"workers {workers} outlived the build ({sig.name})"
    if sig == signal.SIGTERM:
        assert build.returncode == 128 + signal.SIGTERM, err
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and one_line(lines[0]) and "interrupted (SIGTERM)" in lines[0], err
    next_build = subprocess.run([*KG, "build", str(folder), "--store", str(store)], capture_output=True, text=True,
                                timeout=300)
    assert next_build.returncode == 0, next_build.stderr
    assert "another build is writing" not in next_build.stderr
    assert not [p for p in store.iterdir() if p.name.startswith("gen-") and p.name != _live(store)]
    record("orphaned workers", f"{sig.name} to the build's own process",
           "workers gone within 10 s; the lock free; the next build works" +
           ("; exit 143, one line" if sig == signal.SIGTERM else ""))


@pytest.mark.parametrize("sparql", [False, True], ids=["plain", "--sparql"])
def test_ctrl_c_is_one_line_and_exit_130(tmp_path: Path, sparql: bool) -> None:
    folder, store = corpus(tmp_path), tmp_path / "s"
    build = start_build(folder, store, *(["--sparql"] if sparql else []))
    wait_for_workers(build)
    time.sleep(0.5)
    os.killpg(build.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole group
    out, err = build.communicate(timeout=60)
    lines = [line for line in err.splitlines() if line.strip()]
    assert build.returncode == 130, err
    assert len(lines) == 1 and "interrupted (SIGINT)" in lines[0] and "Traceback" not in err, err
    assert not (store / "CURRENT").exists()  # the first build never finished: no graph, nothing half-written
    assert not [p for p in store.iterdir() if p.name.startswith("gen-")]
    record("orphaned workers", "Ctrl-C (SIGINT to the process group)" + (" with --sparql" if sparql else ""),
           "exit 130, one line, no worker traceback, no generation left")


def _live(store: Path) -> str:
    return (store / "CURRENT").read_text(encoding="utf-8").strip()


def test_a_reader_keeps_its_generation_through_two_builds(tmp_path: Path) -> None:
    seeds = sorted((Path(__file__).resolve().parents[2] / "samples" / "seeds").glob("*.txt"))
    store = tmp_path / "s"

    def build(*paths: Path) -> None:
        done = subprocess.run([*KG, "build", *map(str, paths), "--store", str(store)], capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr

    build(seeds[0])
    from kg.store import open_store

    reader = open_store(store)  # a kg view or export that has just started
    held = reader.generation
    build(seeds[1])
    build(seeds[2])  # before pins, this build removed the reader's generation and its cache entries
    assert (store / held).is_dir()
    nquads = reader.dump_nquads()  # what kg export --format nq reads: the document graphs from the cache
    assert b"pingan" in nquads and len(nquads) > 100_000
    with reader:
        pass
    build(seeds[3])
    assert not (store / held).exists()  # the reader is done: the next build removes it
    record("concurrent readers", "a reader open across two builds (kg export --format nq of its generation)",
           "kept its generation and cache entries; removed by the build after it closed")


def test_a_cypher_export_started_before_two_builds_finish(tmp_path: Path) -> None:
    """The issue's reproduction, with real processes: kg export --format cypher of a big store while two builds
    of other documents finish."""
    folder = corpus(tmp_path, files=60)
    store = tmp_path / "s"
    assert subprocess.run([*KG, "build", str(folder), "--store", str(store)], capture_output=True,
                          timeout=300).returncode == 0
    export = subprocess.Popen([*KG, "export", "--format", "cypher", "-o", str(tmp_path / "kg.cypher"), "--store",
                               str(store)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seeds = sorted((Path(__file__).resolve().parents[2] / "samples" / "seeds").glob("*.txt"))
    time.sleep(0.3)
    for seed in seeds[:2]:
        done = subprocess.run([*KG, "build", str(seed), "--store", str(store)], capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr
    _, err = export.communicate(timeout=300)
    assert export.returncode == 0, err
    assert (tmp_path / "kg.cypher").stat().st_size > 100_000
    record("concurrent readers", "kg export --format cypher while two builds finish", "export complete")
