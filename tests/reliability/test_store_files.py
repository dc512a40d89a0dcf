"""A store folder as an unlucky or careless user leaves it: a folder of their own given as --store, and every
file of a built store damaged in turn.

Each case runs the real `kg` in a separate process and asserts what the user sees: one line naming the file
and what repairs it (never a traceback), a plain `kg build` (no --full) that repairs it, and the same answers
as before the damage.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from reliability_kit import KG, SEED_DIR, one_line, record

SEEDS = sorted(SEED_DIR.glob("*.txt"))
PLAN = SEEDS[0]  # the Hohhot plan


def kg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KG, *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def errors_of(done: subprocess.CompletedProcess[str]) -> list[str]:
    """stderr without the plans' own loader warnings (the seeds have two)."""
    return [line for line in done.stderr.splitlines() if line.strip() and not line.startswith("warning: ")]


def answers(store: Path) -> str:
    """What a user sees of the graph: the agencies and the measures without a lead."""
    out = []
    for command in ("agencies", "gaps"):
        done = kg(command, "--format", "json", "--store", str(store))
        assert done.returncode == 0, done.stderr
        out.append(json.loads(done.stdout)["rows"])
    return json.dumps(out, ensure_ascii=False, sort_keys=True)


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------------------- folders that are not stores


def foreign_folder(root: Path) -> Path:
    """The issue's reproduction: a folder of the user's own whose names look like a store's."""
    folder = root / "d"
    (folder / "gen-2024-reports").mkdir(parents=True)
    (folder / "cache").mkdir()
    (folder / "gen-2024-reports" / "report.docx").write_bytes(b"r\n")
    (folder / "cache" / ".env").write_bytes(b"s\n")
    (folder / "cache" / "notes.nt").write_bytes(b"<a> <b> <c> .\n")
    return folder


def test_a_folder_of_the_users_own_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    folder = foreign_folder(tmp_path)
    before = tree(folder)
    done = kg("build", str(PLAN), "--store", str(folder))
    assert done.returncode == 1
    assert len(errors_of(done)) == 1 and one_line(errors_of(done)[0]), done.stderr
    assert "is not a pingan-kg store and is not empty" in done.stderr and "nothing was written" in done.stderr
    assert tree(folder) == before and sorted(p.name for p in folder.iterdir()) == ["cache", "gen-2024-reports"]
    record("data loss (foreign folders)", "--store a folder of the user's (gen-2024-reports/, cache/.env)",
           "refused with one line; every file kept; nothing written")


@pytest.mark.parametrize("how", ["current folder (--store '')", "current folder (--store .)", "the root folder /"])
def test_the_current_folder_or_the_root_is_refused(tmp_path: Path, how: str) -> None:
    (tmp_path / "mine.txt").write_text("a file of the user's\n", encoding="utf-8")
    target = "/" if "root" in how else ("" if "''" in how else ".")
    root_before = sorted(os.listdir("/"))
    done = kg("build", str(PLAN), "--store", target, cwd=tmp_path)
    assert done.returncode == 1 and "is not a pingan-kg store" in done.stderr, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]
    assert sorted(os.listdir("/")) == root_before
    record("data loss (foreign folders)", f"--store {how}", "refused with one line; nothing written")


def test_files_a_user_puts_inside_a_store_survive_every_build(tmp_path: Path) -> None:
    store = tmp_path / "s"
    assert kg("build", str(PLAN), "--store", str(store)).returncode == 0
    (store / "gen-2024-reports").mkdir()
    (store / "gen-2024-reports" / "report.docx").write_bytes(b"r\n")
    (store / "cache" / ".env").write_bytes(b"s\n")
    (store / "cache" / "notes.nt").write_bytes(b"<a> <b> <c> .\n")
    for paths in ([SEEDS[1]], [SEEDS[2]], SEEDS[:3]):  # each build replaces the documents: old generations go
        assert kg("build", *map(str, paths), "--store", str(store)).returncode == 0
    assert (store / "gen-2024-reports" / "report.docx").read_bytes() == b"r\n"
    assert (store / "cache" / ".env").read_bytes() == b"s\n"
    assert (store / "cache" / "notes.nt").read_bytes() == b"<a> <b> <c> .\n"
    gens = sorted(p.name for p in store.iterdir() if p.name.startswith("gen-2026") or p.name.startswith("gen-20"))
    assert len(gens) == 3  # the live one, the previous one, and the user's gen-2024-reports
    record("data loss (foreign folders)", "user files inside a store (gen-2024-reports/, cache/.env, cache/notes.nt)",
           "kept through three builds")


def test_a_store_of_the_version_before_the_marker_is_adopted(tmp_path: Path) -> None:
    store = tmp_path / "s"
    assert kg("build", str(PLAN), "--store", str(store)).returncode == 0
    before = answers(store)
    (store / "PINGAN-KG-STORE").unlink()
    (store / "GENERATIONS").unlink()
    done = kg("build", *map(str, SEEDS[:2]), "--store", str(store))
    assert done.returncode == 0, done.stderr
    assert (store / "PINGAN-KG-STORE").is_file()
    done = kg("build", str(PLAN), "--store", str(store))
    assert done.returncode == 0 and answers(store) == before
    assert len([p for p in store.iterdir() if p.name.startswith("gen-")]) == 2  # the adopted one went in time


# ---------------------------------------------------------------------------- damaged files


def _live(store: Path) -> Path:
    return store / (store / "CURRENT").read_text(encoding="utf-8").strip()


def _first_entry(store: Path, suffix: str) -> Path:
    return sorted((store / "cache").glob(f"*{suffix}"))[0]


def _cut(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


DAMAGE: dict[str, tuple[Callable[[Path], Path], str]] = {
    # what is damaged: (how, which command shows it)
    "tables.sqlite emptied": (lambda s: _emptied(_live(s) / "tables.sqlite"), "gaps"),
    "tables.sqlite garbled": (lambda s: _garbled(_live(s) / "tables.sqlite"), "gaps"),
    "CURRENT not UTF-8": (lambda s: _write(s / "CURRENT", b"\xff\xfe\x00gen"), "gaps"),
    "CURRENT naming ../other/gen-…": (lambda s: _write(s / "CURRENT", f"../other/{_live(s).name}\n".encode()),
                                       "gaps"),
    "meta.json cut short": (lambda s: _cut_file(_live(s) / "meta.json"), "gaps"),
    "shared.json garbled": (lambda s: _write(_live(s) / "shared.json", b"[1, 2"), None),
    "a cache .nt cut in half": (lambda s: _cut_file(_first_entry(s, ".nt")), "export"),
    "a cache .rows garbled": (lambda s: _write(_first_entry(s, ".rows"), b'{"tables": garbage'), None),
    "a SPARQL index file cut short": (lambda s: _cut_file(sorted((_live(s) / "sparql").glob("*.sst"))[-1]),
                                      "sparql"),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _emptied(path: Path) -> Path:
    return _write(path, b"")


def _garbled(path: Path) -> Path:
    data = bytearray(path.read_bytes())
    data[:100] = b"\x00garbage" * 12 + b"\x00" * 4
    return _write(path, bytes(data))


def _cut_file(path: Path) -> Path:
    _cut(path)
    return path


def _ask(command: str, store: Path) -> subprocess.CompletedProcess[str]:
    if command == "export":
        return kg("export", "--format", "nt", "-o", str(store.parent / "out.nt"), "--store", str(store))
    if command == "sparql":
        return kg("sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--store", str(store))
    return kg(command, "--store", str(store))


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_every_damaged_store_file_is_one_line_and_kg_build_repairs_it(tmp_path: Path, case: str) -> None:
    store = tmp_path / "s"
    # with an index, export and view read it rather than the cache: the index only where it is the damaged part
    index = ["--sparql"] if "SPARQL" in case else []
    first = kg("build", *map(str, SEEDS), "--store", str(store), *index)
    assert first.returncode == 0, first.stderr
    before = answers(store)
    damage, command = DAMAGE[case]
    damaged = damage(store)
    if command is not None:  # what a question says of it
        done = _ask(command, store)
        lines = errors_of(done)
        assert done.returncode == 1, f"{case}: exit {done.returncode}: {done.stderr}"
        assert len(lines) == 1 and one_line(lines[0]), f"{case}: {done.stderr}"
        assert damaged.name in lines[0] and "kg build" in lines[0], lines[0]
    again = kg("build", *map(str, SEEDS), "--store", str(store))  # no --full
    assert again.returncode == 0, f"{case}: {again.stderr}"
    assert "Traceback" not in again.stderr
    assert any(line.startswith("repaired: ") for line in again.stderr.splitlines()), again.stderr
    assert answers(store) == before
    for check in ("export", "sparql"):
        done = _ask(check, store)
        assert done.returncode == 0, f"{case}, then kg {check}: {done.stderr}"
    record("store corruption", case, "one line naming the file; kg build repaired it; the same answers")


def test_a_truncated_cache_entry_does_not_survive_a_full_build(tmp_path: Path) -> None:
    store = tmp_path / "s"
    assert kg("build", *map(str, SEEDS), "--store", str(store)).returncode == 0
    entry = _first_entry(store, ".nt")
    _cut(entry)
    assert kg("build", "--full", *map(str, SEEDS), "--store", str(store)).returncode == 0
    done = _ask("export", store)
    assert done.returncode == 0, done.stderr
    record("store corruption", "a cache .nt cut in half, then kg build --full", "re-read; export works")


def test_damage_that_keeps_size_and_time_is_repaired_after_a_reader_meets_it(tmp_path: Path) -> None:
    """Bit rot: the same size and modification time, other bytes. The reader that meets it says so and notes
    it; the next plain build repairs it."""
    store = tmp_path / "s"
    assert kg("build", *map(str, SEEDS), "--store", str(store)).returncode == 0
    entry = _first_entry(store, ".nt")
    stat = entry.stat()
    data = bytearray(entry.read_bytes())
    data[-10] ^= 0x01
    entry.write_bytes(bytes(data))
    os.utime(entry, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    done = _ask("export", store)
    assert done.returncode == 1 and entry.name in done.stderr
    again = kg("build", *map(str, SEEDS), "--store", str(store))
    assert again.returncode == 0 and "repaired: " in again.stderr, again.stderr
    assert _ask("export", store).returncode == 0
    record("store corruption", "a cache .nt with one bit flipped, size and time kept", "found by the reader; repaired")
