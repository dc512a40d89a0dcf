"""The files of a store folder: which are the store's own, which may be removed, and whether they are intact.

A store is a folder a user names with ``--store``; it may be one they also keep other things in, by mistake or
not (``--store .``, ``--store ~/reports``). So a build writes only into a folder that is empty or already a
pingan-kg store, and it removes only what it wrote:

* ``PINGAN-KG-STORE`` marks the folder as a store (JSON: the tool and the store format). A build writes it
  into a new or empty folder, or into a store an older version made (CURRENT naming a generation whose
  meta.json says pingan-kg); any other folder is refused before anything is written there.
* ``GENERATIONS`` lists, one a line, every generation directory a build created; the name is recorded before
  the directory is made, so a build killed at any point leaves nothing unrecorded. Only a recorded name that
  still has the exact shape of a generation name is ever removed; the cache keeps only files whose names have
  the exact shape of a cache entry or of its temporary file.
* A reader pins the generation it reads with a shared lock on its ``.readers`` file; a build removes a stale
  generation only when it can take that lock exclusively, so a long ``kg view`` or export never loses its
  files under it (the next build removes what this one had to leave).

Damage. Every file a generation is made of is recorded when written (size, modification time and SHA-256, in
meta.json for the tables and shared.json, in ``sparql.sums`` for the SPARQL index; each cache entry carries the
hashes of its own body and rows in its first line). A build compares sizes and times (cheap: no file is read),
hashes only what differs, and rebuilds what is damaged; a reader that meets a damaged file says which file and
what repairs it, in one line, and leaves a note in ``DAMAGED`` so the next build repairs it even when the damage
left size and time as they were.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

__all__ = [
    "CURRENT",
    "DAMAGED",
    "GENERATIONS",
    "MARKER",
    "READERS",
    "NotAStore",
    "StoreBusy",
    "StoreDamaged",
    "StoreError",
    "StoreMissing",
    "claim",
    "damage_noted",
    "file_record",
    "forget_damage_notes",
    "is_cache_file",
    "is_generation_name",
    "live_generation",
    "note_damage",
    "pin_generation",
    "prune_cache",
    "record_generation",
    "remove_generations",
    "remove_temporary_files",
    "same_record",
    "write_atomically",
]

MARKER = "PINGAN-KG-STORE"
STORE_FORMAT = 1
GENERATIONS = "GENERATIONS"
CURRENT = "CURRENT"
DAMAGED = "DAMAGED"
READERS = ".readers"
LOCK = ".lock"
CACHE = "cache"

# What a build names: gen-<UTC to the microsecond>Z-<pid>[-<attempt>] (kg.store._new_generation_dir), and cache
# entries <32 hex>.nt|.rows (a file's key) or r<31 hex> (a record's), with their temporary files
# [r].<key>.<pid>.<thread>.tmp (kg.store.write_cache_entry).
_GENERATION = re.compile(r"gen-[0-9]{8}T[0-9]{12}Z-[0-9]+(?:-[0-9]+)?")
_KEY = r"(?:[0-9a-f]{32}|r[0-9a-f]{31})"
_CACHE_FILE = re.compile(rf"{_KEY}\.(?:nt|rows)|r?\.{_KEY}\.[0-9]+\.[0-9]+\.tmp")
# What a generation directory of any layout holds (an older store is adopted only if its generations are these).
_GENERATION_FILES = {"tables.sqlite", "meta.json", "shared.json", "sparql", "results", ".sparql.lock", READERS,
                     "sparql.sums", "meta.json.tmp", "shared.json.tmp"}


class StoreError(Exception):
    """A store problem a user can cause; the message is one line meant for them."""


class StoreBusy(StoreError):
    pass


class StoreMissing(StoreError):
    pass


class NotAStore(StoreError):
    """The folder holds things of its own and is not a pingan-kg store: nothing is written there."""


class StoreDamaged(StoreError):
    """A file of the store is not what was written (the message names it and what repairs it)."""


def is_generation_name(name: str) -> bool:
    return _GENERATION.fullmatch(name) is not None


def is_cache_file(name: str) -> bool:
    return _CACHE_FILE.fullmatch(name) is not None


# ---------------------------------------------------------------------------- whose folder


def claim(store_dir: Path) -> None:
    """Make sure a build may write into ``store_dir``: create it, or mark an empty folder or an older version's
    store as a store; NotAStore for anything else (nothing is written then)."""
    if store_dir.exists() and not store_dir.is_dir():
        raise StoreError(f"{store_dir} is a file, not a store folder")
    marker = store_dir / MARKER
    try:
        store_dir.mkdir(parents=True, exist_ok=True)
        entries = sorted(p.name for p in store_dir.iterdir())
    except OSError as exc:
        raise StoreError(f"cannot use {store_dir} as a store: {exc.strerror or exc}") from None
    if MARKER in entries:
        _check_marker(store_dir, marker)
        return
    if entries and not _leftovers_only(store_dir, entries) and not _older_store(store_dir, entries):
        shown = "、".join(entries[:3]) + (" …" if len(entries) > 3 else "")
        raise NotAStore(f"{store_dir} is not a pingan-kg store and is not empty (it holds {shown}): give --store a "
                        "new or empty folder; nothing was written")
    # An empty folder, or a store of a version before the marker: its generations are recorded as its own.
    owned = [name for name in entries if is_generation_name(name)]
    write_atomically(store_dir / GENERATIONS, "".join(name + "\n" for name in owned).encode())
    write_atomically(marker, (json.dumps({"tool": "pingan-kg", "format": STORE_FORMAT}) + "\n").encode())


def _check_marker(store_dir: Path, marker: Path) -> None:
    try:
        value = json.loads(marker.read_bytes())
        ok = isinstance(value, dict) and value.get("tool") == "pingan-kg" and isinstance(value.get("format"), int)
    except (OSError, ValueError):
        ok = False
    if not ok:
        if _older_store(store_dir, sorted(p.name for p in store_dir.iterdir() if p.name != MARKER)):
            write_atomically(marker, (json.dumps({"tool": "pingan-kg", "format": STORE_FORMAT}) + "\n").encode())
            return
        raise StoreDamaged(f"{marker} is damaged and {store_dir} does not look like a store: if it is one, write "
                           f'{{"tool": "pingan-kg", "format": {STORE_FORMAT}}} into {marker.name}')
    if value["format"] > STORE_FORMAT:
        raise StoreError(f"{store_dir} was made by a newer pingan-kg (store format {value['format']}, this version "
                         f"writes {STORE_FORMAT}): upgrade pingan-kg or build into another folder")


def _leftovers_only(store_dir: Path, entries: list[str]) -> bool:
    """What a first build that failed before writing anything leaves: its lock file and an empty cache folder."""
    if not set(entries) <= {LOCK, CACHE}:
        return False
    cache = store_dir / CACHE
    return not cache.exists() or (cache.is_dir() and not any(cache.iterdir()))


def _older_store(store_dir: Path, entries: list[str]) -> bool:
    """A store an earlier version wrote: only its own kinds of entries, and CURRENT naming a generation whose
    meta.json says pingan-kg."""
    own = {CURRENT, CURRENT + ".tmp", LOCK, CACHE, MARKER, GENERATIONS, DAMAGED}
    if any(name not in own and not is_generation_name(name) for name in entries):
        return False
    try:
        name = live_generation(store_dir)
        meta = json.loads((store_dir / name / "meta.json").read_bytes()) if name else None
    except (OSError, ValueError, StoreError):
        return False
    if not isinstance(meta, dict) or meta.get("tool") != "pingan-kg":
        return False
    for gen in (store_dir / n for n in entries if is_generation_name(n)):
        if not gen.is_dir() or any(p.name not in _GENERATION_FILES for p in gen.iterdir()):
            return False
    return True


# ---------------------------------------------------------------------------- CURRENT and the generations


def live_generation(store_dir: Path) -> str | None:
    """The name CURRENT gives, or None when there is none; StoreDamaged when CURRENT is not a generation name
    of this store (not text, garbage, or a path such as ../other/gen-…)."""
    try:
        data = (store_dir / CURRENT).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"cannot read {store_dir / CURRENT}: {exc.strerror or exc}") from None
    try:
        name = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        name = None
    if name == "":
        return None
    if name is None or not is_generation_name(name):
        raise StoreDamaged(f"{store_dir / CURRENT} is damaged (it does not name a generation of this store): "
                           "run `kg build` on the same documents to repair it")
    return name


def record_generation(store_dir: Path, name: str) -> None:
    """Add a generation to the store's list of its own, before the directory is made (the caller holds the lock)."""
    names = _recorded(store_dir)
    if name not in names:
        write_atomically(store_dir / GENERATIONS, "".join(n + "\n" for n in [*names, name]).encode())


def _recorded(store_dir: Path) -> list[str]:
    try:
        text = (store_dir / GENERATIONS).read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return []
    return [line for line in text.splitlines() if is_generation_name(line)]


def remove_generations(store_dir: Path, keep: set[str]) -> set[str]:
    """Remove the store's own generations not in ``keep`` that no reader holds; return the generations left.
    The caller holds the build lock."""
    left: list[str] = []
    for name in _recorded(store_dir):
        gen = store_dir / name
        if name in keep or not (gen.exists() or gen.is_symlink()):
            if name in keep:
                left.append(name)
            continue
        if gen.is_symlink() or not gen.is_dir():  # not what a build makes: left alone, and forgotten
            continue
        if not _remove_unless_read(gen):
            left.append(name)
    write_atomically(store_dir / GENERATIONS, "".join(n + "\n" for n in left).encode())
    return set(left)


def _remove_unless_read(gen: Path) -> bool:
    try:
        fd = os.open(gen / READERS, os.O_RDONLY)
    except FileNotFoundError:  # made before readers pinned generations, or killed before its .readers existed
        shutil.rmtree(gen, ignore_errors=True)
        return True
    except OSError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                return False  # a reader has it open: the next build removes it
            raise
        # Held until the directory is gone: a reader that opened .readers meanwhile finds no meta.json after
        # taking its lock, and reads CURRENT again.
        shutil.rmtree(gen, ignore_errors=True)
        return True
    finally:
        os.close(fd)


def pin_generation(gen: Path) -> int | None:
    """Hold a generation for reading: a file descriptor with a shared lock on its .readers file (close it to let
    go), or None for a generation made before readers pinned them. FileNotFoundError when the generation is gone
    (a build removed it between reading CURRENT and this call)."""
    try:
        fd = os.open(gen / READERS, os.O_RDONLY)
    except FileNotFoundError:
        if not (gen / "meta.json").is_file():
            raise
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)  # waits only while a build is removing this very generation
        if not (gen / "meta.json").is_file():
            raise FileNotFoundError(errno.ENOENT, "generation removed", str(gen))
    except BaseException:
        os.close(fd)
        raise
    return fd


def prune_cache(cache: Path, keep: set[str]) -> None:
    """Remove cache entries whose key is not in ``keep`` and temporary files of killed builds; only names of
    the exact shape a build gives them (a file a user put there stays)."""
    with contextlib.suppress(FileNotFoundError):
        for entry in cache.iterdir():
            name = entry.name
            if not is_cache_file(name):
                continue
            if name.endswith(".tmp") or name.rsplit(".", 1)[0] not in keep:
                with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
                    entry.unlink()


def remove_temporary_files(cache: Path) -> None:
    """Remove the temporary files of cache entries (under the build lock: a build's own, left by workers it
    stopped mid-write)."""
    with contextlib.suppress(FileNotFoundError):
        for entry in cache.iterdir():
            if entry.name.endswith(".tmp") and is_cache_file(entry.name):
                with contextlib.suppress(OSError):
                    entry.unlink()


# ---------------------------------------------------------------------------- damage


def file_record(path: Path) -> list[Any]:
    """[size, modification time in ns, SHA-256] of a file as written."""
    with open(path, "rb") as handle:
        stat = os.fstat(handle.fileno())
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    return [stat.st_size, stat.st_mtime_ns, digest]


def same_record(path: Path, record: Any) -> bool | None:
    """Whether a file is as recorded: True when its size and time are (nothing read), else whether its hash is
    (a copied store changes times, not contents); False when it is gone or unreadable, None when ``record`` is
    not a record."""
    if not (isinstance(record, list) and len(record) == 3):
        return None
    try:
        stat = path.stat()
    except OSError:
        return False
    if stat.st_size != record[0]:
        return False
    if stat.st_mtime_ns == record[1]:
        return True
    try:
        return file_record(path)[2] == record[2]
    except OSError:
        return False


def note_damage(store_dir: Path, relative: str) -> None:
    """Leave a note for the next build that a reader found this file damaged (best effort: a reader may not
    be able to write the store, and then the message it printed says `kg build --full`)."""
    with contextlib.suppress(OSError):
        with open(store_dir / DAMAGED, "a", encoding="utf-8") as handle:
            handle.write(relative + "\n")


def damage_noted(store_dir: Path) -> set[str]:
    """The files readers noted as damaged since the last build (paths relative to the store)."""
    try:
        text = (store_dir / DAMAGED).read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return set()
    return {line for line in text.splitlines() if line and ".." not in line.split("/")}


def forget_damage_notes(store_dir: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (store_dir / DAMAGED).unlink()


def write_atomically(path: Path, data: bytes) -> None:
    """Write a file by write-fsync-rename: after a crash it holds the old bytes or the new ones; no temporary
    file is left behind when the write fails (a full disk)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise

