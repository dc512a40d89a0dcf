"""From paths a user gives to the store: find the files, read each (in parallel), never let one stop the rest,
and re-read only what changed since the last build.

Incremental builds. Every file a build reads is recorded in the generation's meta.json (``files``: path,
size, mtime, SHA-256, cache key) and its N-Triples are kept under ``<store>/cache/<key>.nt``, the key being
the hash of the loader code, the path and the bytes. The next build

* finds the same files with the same size and mtime (or the same bytes) and the same loader code → nothing
  changed: the live generation stays, nothing is parsed or written;
* otherwise parses only the files whose bytes (or path) changed, in worker processes, and writes a new
  generation: a checkpoint of the live one (hard links) minus the graphs of changed and deleted documents
  plus the new ones when few documents changed, or a bulk load of every document's cached N-Triples.

Parallel reads. ``--jobs N`` parses with N worker processes (the loaders are pure Python and CPU-bound);
each worker also converts its document to N-Triples and writes them to the cache, so only a small summary
crosses back. Results are taken in file order, so the store is the same whatever N is.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.store import BuildSummary, DocumentPart
    from loaders.model import Document

__all__ = [
    "DOCUMENT_SUFFIXES",
    "BuildReport",
    "ReadResult",
    "build_from_jsonl",
    "build_from_paths",
    "capped_jobs",
    "code_fingerprint",
    "default_jobs",
    "find_files",
    "iter_documents",
    "read_documents",
]

# Extensions a folder walk picks up; a file named explicitly is always tried (its loader says if it can't).
# Every type the loaders read (text, .docx, .pdf, .html/.htm): a folder walk must not skip any silently.
DOCUMENT_SUFFIXES = (".txt", ".text", ".md", ".docx", ".pdf", ".html", ".htm")

# Up to this share of changed documents a build patches a copy of the live generation; above it a bulk
# load of everything is cheaper than removing and re-adding graph by graph.
INCREMENTAL_SHARE = 0.25


@dataclass
class ReadResult:
    documents: list[Document] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "path: reason", one per file that could not be read
    warnings: list[str] = field(default_factory=list)  # "path: what was odd", the document still loaded


def find_files(paths: Iterable[str | os.PathLike]) -> Iterator[tuple[Path, str | None]]:
    """Yield (file, None) for each document file under ``paths``, or (path, reason) for a path that is not
    usable. Folders are walked recursively in sorted order so builds are reproducible."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = False
            for sub in sorted(path.rglob("*")):
                if sub.is_file() and sub.suffix.lower() in DOCUMENT_SUFFIXES and not sub.name.startswith("."):
                    found = True
                    yield sub, None
            if not found:
                yield path, f"no document files ({', '.join(DOCUMENT_SUFFIXES)}) in this folder"
        elif path.is_file():
            yield path, None
        elif path.exists():
            yield path, "not a regular file"
        else:
            yield path, "no such file or folder"


def capped_jobs(jobs: int) -> tuple[int, str | None]:
    """``jobs`` capped at the CPUs this process may use (a worker per file beyond them only costs memory and
    start-up), and a note saying so when it was."""
    cpus = default_jobs()
    if jobs <= cpus:
        return jobs, None
    return cpus, f"--jobs {jobs} is more than the {cpus} CPU(s) this process may use; using {cpus}"


def default_jobs() -> int:
    """Worker processes for a build: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _read_one(path: Path) -> tuple[Document | None, str | None]:
    import loaders

    try:
        return loaders.read(path), None
    except loaders.LoadError as exc:
        return None, f"{path}: {exc}"
    except OSError as exc:
        return None, f"{path}: cannot read ({exc.strerror or exc})"
    except Exception as exc:  # a loader bug must not stop the other documents; it is reported, not hidden
        return None, f"{path}: loader failed ({type(exc).__name__}: {exc}); please report this"


def _pool_map(fn: Callable[[Any], Any], items: list[Any], jobs: int) -> Iterator[Any]:
    """``map`` in order, over ``jobs`` worker processes when there is more than one item and job."""
    if jobs <= 1 or len(items) <= 1:
        yield from map(fn, items)
        return
    import multiprocessing

    # fork: workers inherit the imported loaders instead of importing them again (Linux; elsewhere the
    # platform's default start method).
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    chunk = max(1, min(16, len(items) // (jobs * 8)))
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(items)), mp_context=context, initializer=_worker_start,
                               initargs=(os.getpid(),))
    # Chunks submitted as futures of our own rather than through pool.map, whose iterator cancels the futures left
    # when it is closed: on Python 3.11 a pool that then breaks (the workers terminated below) fails to mark a
    # cancelled future and prints a traceback from its manager thread.
    futures = [pool.submit(_map_chunk, fn, items[start:start + chunk]) for start in range(0, len(items), chunk)]
    try:
        for future in futures:
            yield from future.result()
    except BaseException:
        # Ctrl-C, SIGTERM, a worker's error (a full disk), or a consumer that stops early (a failed store write):
        # the workers stop now, not after the file each is reading (they ignore SIGINT, see _worker_start), and
        # the pool marks what was left as failed.
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        raise
    finally:
        pool.shutdown(wait=True)


def _map_chunk(fn: Callable[[Any], Any], chunk: list[Any]) -> list[Any]:
    return [fn(item) for item in chunk]


def _worker_start(parent: int) -> None:
    """In each worker, first: die with the build (a killed build must not leave workers reading on, nor the
    store locked: the lock's descriptor is closed at fork, see kg.store), and leave Ctrl-C to the build, which
    stops them (a worker interrupted mid-file would print a traceback of its own)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the build's handler (kg.cli): terminate() ends it quietly
    from kg.child_processes import die_with_parent

    die_with_parent(parent)


def _reporting(results: Iterator[Any], total: int, progress: Callable[[int, int], None]) -> Iterator[Any]:
    for done, result in enumerate(results, 1):
        progress(done, total)
        yield result


def iter_documents(paths: Iterable[str | os.PathLike], jobs: int = 1) -> Iterator[tuple[Path, Document | None,
                                                                                        str | None]]:
    """(path, document, error) for every file under ``paths``, in file order, as each is read."""
    found = list(find_files(paths))
    files = [path for path, problem in found if problem is None]
    results = _pool_map(_read_one, files, jobs)
    for path, problem in found:
        if problem:
            yield path, None, f"{path}: {problem}"
        else:
            doc, error = next(results)
            yield path, doc, error


def read_documents(paths: Iterable[str | os.PathLike], jobs: int = 1) -> ReadResult:
    """Read every document under ``paths``. A file that cannot be read is reported in ``errors``."""
    result = ReadResult()
    seen: set[str] = set()
    for path, doc, error in iter_documents(paths, jobs):
        if error or doc is None:
            result.errors.append(error or f"{path}: unreadable")
            continue
        if doc.id in seen:
            result.warnings.append(f"{path}: same content as a file already read; skipped")
            continue
        seen.add(doc.id)
        result.warnings.extend(f"{path}: {w}" for w in doc.warnings)
        result.documents.append(doc)
    return result


# ---------------------------------------------------------------------------- incremental builds


def code_fingerprint() -> str:
    """A hash of everything that decides a file's triples and table rows: the loaders and their data, the triple
    and row writers, the IRI scheme, the topic scheme. A change to any of them invalidates every cached
    extraction."""
    import kg
    import loaders
    import ontology

    digest = hashlib.sha256(kg.__version__.encode())
    roots = [Path(loaders.__file__).parent]
    singles = [Path(kg.__file__).parent / name for name in ("triples.py", "tables.py")]
    # ns.py: the IRI scheme; topics.ttl: the broader topics the table rows list with each measure
    singles += [Path(ontology.__file__).parent / name for name in ("ns.py", "topics.ttl")]
    files = [p for root in roots for p in sorted(root.rglob("*")) if p.is_file() and "__pycache__" not in p.parts]
    for p in files + singles:
        digest.update(str(p.relative_to(p.parents[1])).encode() + b"\0")
        digest.update(p.read_bytes())
    return digest.hexdigest()[:16]


def _cache_key(fingerprint: str, path: str, sha: str) -> str:
    # The path is part of the key: it is written into the triples (pa:source, pa:sourceFile).
    return hashlib.sha256(f"{fingerprint}\0{path}\0{sha}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class _Task:
    path: str
    cache: str
    fingerprint: str


def _extract_to_cache(task: _Task) -> dict[str, Any]:
    """Worker: read one file, convert it to N-Triples and table rows, write them to the cache; return its manifest
    row, with the rows under "_part" for the build (they cross back to it once instead of being read again)."""
    from kg.store import cache_document, document_entry
    from loaders.document import MAX_BYTES, MAX_TEXT_FILE_BYTES, TEXT_SUFFIXES

    path = Path(task.path)
    row: dict[str, Any] = {"path": task.path}
    try:
        with open(path, "rb") as handle:
            stat = os.fstat(handle.fileno())
            limit = MAX_TEXT_FILE_BYTES if path.suffix.lower() in TEXT_SUFFIXES else MAX_BYTES
            if stat.st_size > limit:  # refused before a byte is read (the loader says so in its own words)
                _, error = _read_one(path)
                return {**row, "error": error or f"{path}: file too large"}
            sha = hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as exc:
        return {**row, "error": f"{path}: cannot read ({exc.strerror or exc})"}
    row.update(size=stat.st_size, mtime_ns=stat.st_mtime_ns, sha256=sha)
    key = _cache_key(task.fingerprint, task.path, sha)
    cached = _read_cached_row(Path(task.cache), key)
    if cached is not None:  # same bytes at the same path: only the mtime moved
        return {**cached, **row}
    doc, error = _read_one(path)
    if doc is None:
        return {**row, "error": error}
    row.update(
        key=key,
        doc=document_entry(doc),
        assignments=sum(len(m.assignments) for m in doc.measures),
        warnings=list(doc.warnings),
    )
    summary = {k: row[k] for k in ("key", "doc", "assignments", "warnings")}
    try:
        rows = cache_document(doc, Path(task.cache), key, summary)
    except OSError:  # the store cannot be written (a full disk): the build stops and says so
        raise
    except Exception as exc:  # one bad document never stops a build; it is reported
        return {"path": task.path, "error": f"{doc.source}: cannot convert to RDF: {exc}"}
    row["entry"] = _entry_records(Path(task.cache), key)
    return {**row, "_part": rows}


def _entry_records(cache: Path, key: str) -> list[Any]:
    """What a cache entry's two files are as written (kg.store_files.file_record), for later builds to compare."""
    from kg.store import ROWS_SUFFIX
    from kg.store_files import file_record

    return [file_record(cache / f"{key}.nt"), file_record(cache / f"{key}{ROWS_SUFFIX}")]


def _read_cached_row(cache: Path, key: str) -> dict[str, Any] | None:
    """The manifest row a cache entry records, when both its files are whole (hashed against its summary): a
    damaged entry, or one of an older layout without its rows or hashes, is read again from its file."""
    from kg.store import cache_entry_intact, cache_summary
    from kg.store_files import StoreDamaged

    try:
        summary = cache_summary(cache, key)
    except (OSError, StoreDamaged):
        return None
    if "rows_sha256" not in summary or not cache_entry_intact(cache, key):
        return None
    try:
        records = _entry_records(cache, key)
    except OSError:
        return None
    return {k: summary[k] for k in ("key", "doc", "assignments", "warnings") if k in summary} | {"entry": records}


@dataclass
class BuildReport:
    summary: BuildSummary | None  # None when nothing changed and the live generation stayed
    generation: str
    documents: int
    measures: int
    assignments: int
    triples: int
    parsed: int  # files read by the loaders in this build (the others came from the cache)
    mode: str  # "unchanged", "incremental", "full", or "empty" (nothing readable, nothing written)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)  # what was found damaged and is now rebuilt
    entries: list[dict] = field(default_factory=list)  # the documents' meta.json entries (with their coverage)


def _damage(store_dir: Path) -> list[str]:
    """What a build repairs before anything else: a CURRENT that names no generation of the store, or a live
    generation whose meta.json cannot be read (either way the build is a full one, from the cache)."""
    from kg.store import META, live_meta
    from kg.store_files import StoreDamaged, live_generation

    try:
        name = live_generation(store_dir)
    except StoreDamaged:
        return [f"{store_dir / 'CURRENT'} is damaged"]
    if name is not None and (store_dir / name).is_dir() and live_meta(store_dir) is None:
        return [f"{store_dir / name / META} is damaged"]
    return []


def _cache_damage(cache: Path, rows: Iterable[dict[str, Any]], noted: set[str]
                  ) -> tuple[set[str], list[dict[str, Any]]]:
    """The keys of the live generation's cache entries that are not as written (gone, or size and time moved
    and the hash too, or noted by a reader), and the rows whose entries are intact but were touched (a copied
    store), whose records are to be made again."""
    from kg.store import ROWS_SUFFIX
    from kg.store_files import same_record

    damaged: set[str] = set()
    refreshed: list[dict[str, Any]] = []
    for row in rows:
        key = row.get("key")
        if not key:
            continue
        names = (f"{key}.nt", f"{key}{ROWS_SUFFIX}")
        if any(f"cache/{name}" in noted for name in names):
            damaged.add(key)
            continue
        records = row.get("entry")
        if not (isinstance(records, list) and len(records) == 2):
            continue  # recorded by a version before entries had records: checked when read
        states = [same_record(cache / name, record) for name, record in zip(names, records, strict=True)]
        if False in states or None in states:
            damaged.add(key)
        elif any(_cache_stat_moved(cache / name, record) for name, record in zip(names, records, strict=True)):
            refreshed.append(row)
    return damaged, refreshed


def _cache_stat_moved(path: Path, record: list[Any]) -> bool:
    try:
        return path.stat().st_mtime_ns != record[1]
    except OSError:
        return False


def _same_stat(row: dict[str, Any] | None, path: Path) -> dict[str, Any] | None:
    if not row or "key" not in row:
        return None
    try:
        stat = path.stat()
    except OSError:
        return None
    if stat.st_size == row.get("size") and stat.st_mtime_ns == row.get("mtime_ns"):
        return row
    return None


def build_from_paths(
    paths: Iterable[str | os.PathLike],
    store_path: str | os.PathLike,
    jobs: int = 1,
    full: bool = False,
    sparql: bool | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BuildReport:
    """Build (or bring up to date) the store at ``store_path`` from the files under ``paths``.

    ``sparql``: give the new generation a SPARQL index (True), none (False), or keep what the live one has
    (None): see ``kg.store.commit_generation``. ``progress(done, total)`` is called as each file to read has been
    read (none when nothing needs reading). Raises kg.store.StoreBusy when another build holds the store.
    """
    from kg import store as kgstore

    # The workers are stopped (the generator closed) before the lock is let go, so that nothing they write comes
    # after the failed build's temporary files are removed (kg.store.locked).
    with kgstore.locked(store_path) as store_dir, contextlib.ExitStack() as workers:
        cache = store_dir / kgstore.CACHE
        cache.mkdir(exist_ok=True)
        fingerprint = code_fingerprint()
        repairs = _damage(store_dir)
        live = None if full else kgstore.live_meta(store_dir)
        same_code = live is not None and live.get("fingerprint") == fingerprint
        # A generation of an older storage layout is rebuilt in full once (nothing is re-read: the cache stays).
        patchable = same_code and live.get("layout") == kgstore.LAYOUT
        previous = {row["path"]: row for row in (live or {}).get("files", []) if isinstance(row, dict)
                    and "path" in row} if same_code else {}
        if live is not None and not full:
            damaged = kgstore.generation_damage(store_dir, live)
            damaged_keys, refreshed = _cache_damage(cache, previous.values(), kgstore.damage_noted(store_dir))
            repairs += damaged + [f"{cache / key}.* is damaged" for key in sorted(damaged_keys)]
            # a damaged entry's file is read again; anything damaged means a full build from what is whole
            previous = {path: row for path, row in previous.items() if row.get("key") not in damaged_keys}
            patchable = patchable and not repairs
            for row in refreshed:  # intact, copied (new times): recorded anew, so they are not hashed again
                row["entry"] = _entry_records(cache, row["key"])

        found = list(find_files(paths))
        rows: list[dict[str, Any] | None] = []
        tasks: list[_Task] = []
        for path, problem in found:
            if problem:
                rows.append({"path": str(path), "error": f"{path}: {problem}"})
                continue
            row = _same_stat(previous.get(str(path)), path)
            rows.append(row)
            if row is None:
                tasks.append(_Task(str(path), str(cache), fingerprint))
        parsed = workers.enter_context(contextlib.closing(_pool_map(_extract_to_cache, tasks, jobs)))
        if progress is not None:
            parsed = _reporting(parsed, len(tasks), progress)
        if not patchable:  # full whatever the files say: load each document as soon as it is read
            ordered = (row if row is not None else next(parsed) for row in rows)
            if repairs and sparql is None:  # a damaged generation's index is made again, not dropped
                sparql = live is not None and (store_dir / live["generation"] / kgstore.SPARQL_DIR).is_dir()
            report = _streamed_full_build(store_dir, ordered, fingerprint, len(tasks), sparql)
            report.repairs = repairs if report.summary is not None else []
            if report.summary is not None:
                kgstore.forget_damage_notes(store_dir)
            return report
        # From here on the live generation is of this code and layout: it may be kept or patched.
        assert live is not None
        rows = [row if row is not None else next(parsed) for row in rows]

        files, parts_keys, entries, errors, warnings = _assemble(rows)
        if not entries:  # nothing readable: the live graph stays as it was
            return BuildReport(None, live.get("generation", ""), 0, 0, 0, 0, len(tasks), "empty", errors, warnings)
        measures = sum(e["measures"] for e in entries)
        assignments = sum(int(r.get("assignments", 0)) for r in files if r.get("key") in parts_keys)
        old_docs = {d["id"] for d in live.get("documents", [])}
        new_keys = {doc["id"]: key for key, doc in parts_keys.items()}  # doc id -> cache key
        # doc id -> cache key as stored (a second file with the same bytes has its own row but is not stored)
        old_keys = dict(live.get("doc_cache") or {})
        kept = {i for i in old_docs if new_keys.get(i) == old_keys.get(i)}
        added = [i for i in new_keys if i not in kept]
        removed = sorted(old_docs - kept)
        n_parsed = len(tasks)

        has_index = (store_dir / live["generation"] / kgstore.SPARQL_DIR).is_dir()
        if not added and not removed and live.get("files") is not None and sparql in (None, has_index):
            # Nothing in the graph changes. Refresh the recorded stats (a touched file was hashed once and
            # need not be again) and the error list; keep the generation.
            if files != live.get("files") or errors != live.get("errors"):
                live["files"], live["errors"] = files, errors
                kgstore.write_meta(store_dir / live["generation"], live)
            return BuildReport(None, live["generation"], len(entries), measures, assignments,
                               int(live.get("triples", 0)), n_parsed, "unchanged", errors, warnings, entries=entries)

        # A changed file counts twice (its old graph goes, its new one comes), as it costs.
        touched = (len(added) + len(removed)) / (2 * max(1, len(old_docs)))
        incremental = touched <= INCREMENTAL_SHARE
        ids = added if incremental else [e["id"] for e in entries]
        wanted = [new_keys[i] for i in ids]
        parts = _parts_from_cache(cache, wanted, {k: e for k, e in zip(parts_keys, entries, strict=True)})
        # The removed documents as the live generation stored them (their cache entries are its own).
        live_docs = {d["id"]: d for d in live.get("documents", [])}
        gone = _parts_from_cache(cache, [old_keys[i] for i in removed], {old_keys[i]: live_docs[i] for i in removed}
                                 ) if incremental else iter(())
        extra = {"fingerprint": fingerprint, "files": files, "documents": entries}
        summary = kgstore.commit_generation(store_dir, parts, errors, incremental=incremental, remove=gone,
                                            extra=extra, jobs=jobs, sparql=sparql)
        kgstore.forget_damage_notes(store_dir)
        return BuildReport(summary, summary.generation, len(entries), measures, assignments, summary.triples,
                           n_parsed, "incremental" if incremental else "full", errors, warnings, entries=entries)


class _Assembly:
    """Manifest rows, taken in file order, sorted into what a build records and stores. A second file with the
    same bytes as an earlier one is skipped with a warning."""

    def __init__(self) -> None:
        self.files: list[dict] = []
        self.keys: dict[str, dict] = {}  # cache key -> doc entry, of the documents to store
        self.entries: list[dict] = []
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.parts: dict[str, dict[str, Any]] = {}  # cache key -> rows a worker sent (kg.store.rows_entry)
        self._seen: set[str] = set()

    def add(self, row: dict[str, Any]) -> dict | None:
        """Take one row; return its document entry when the document is to be stored. The rows a worker sent
        with it (under "_part") are kept in ``parts`` until the build takes them."""
        part = row.pop("_part", None)
        self.files.append(row)
        if row.get("error"):
            self.errors.append(row["error"])
            return None
        doc = row["doc"]
        if doc["id"] in self._seen:
            self.warnings.append(f"{row['path']}: same content as a file already read; skipped")
            return None
        self._seen.add(doc["id"])
        self.warnings.extend(f"{row['path']}: {w}" for w in row.get("warnings", []))
        self.keys[row["key"]] = doc
        self.entries.append(doc)
        if part is not None:
            self.parts[row["key"]] = part
        return doc


def _assemble(rows: list[dict[str, Any]]) -> tuple[list[dict], dict[str, dict], list[dict], list[str], list[str]]:
    """Manifest rows in file order → (files, key → doc entry of the documents to store, entries in order,
    errors, warnings)."""
    assembly = _Assembly()
    for row in rows:
        assembly.add(row)
    return assembly.files, assembly.keys, assembly.entries, assembly.errors, assembly.warnings


def _streamed_full_build(store_dir: Path, rows: Iterator[dict[str, Any]], fingerprint: str, n_parsed: int,
                         sparql: bool | None = None) -> BuildReport:
    """A build that is full from the start (no live generation of this code and layout, or --full): each document
    goes to the store as soon as a worker has read it, so loading overlaps reading instead of following it."""
    from kg import store as kgstore

    assembly = _Assembly()
    cache = store_dir / kgstore.CACHE

    def parts() -> Iterator[DocumentPart]:
        for row in rows:
            entry = assembly.add(row)
            if entry is not None:
                yield _part_from_cache(cache, row["key"], entry, assembly.parts.pop(row["key"], None))

    stream = parts()
    first = next(stream, None)
    if first is None:  # nothing readable: the live graph (if any) stays as it was
        live = kgstore.live_meta(store_dir) or {}
        return BuildReport(None, live.get("generation", ""), 0, 0, 0, 0, n_parsed, "empty", assembly.errors,
                           assembly.warnings)
    # meta.json is written after the last document: by then these lists, filled as the rows come, are whole.
    extra = {"fingerprint": fingerprint, "files": assembly.files, "documents": assembly.entries}
    # One bulk loader: the workers have the other CPUs while they read, and each loader holds its own sort
    # buffers. Measured at 100k measures with --jobs 2 (benchmarks/proctree.py): one loader 48.7 s, peak 1.72 GB
    # for kg and its workers; two loaders 44.8 s, 2.64 GB.
    summary = kgstore.commit_generation(store_dir, itertools.chain([first], stream), assembly.errors, extra=extra,
                                        jobs=1, sparql=sparql)
    measures = sum(e["measures"] for e in assembly.entries)
    assignments = sum(int(r.get("assignments", 0)) for r in assembly.files if r.get("key") in assembly.keys)
    return BuildReport(summary, summary.generation, len(assembly.entries), measures, assignments, summary.triples,
                       n_parsed, "full", assembly.errors, assembly.warnings, entries=assembly.entries)


def _parts_from_cache(cache: Path, keys: list[str], entries: dict[str, dict]) -> Iterator[DocumentPart]:
    for key in keys:
        yield _part_from_cache(cache, key, entries[key])


def _part_from_cache(cache: Path, key: str, entry: dict, rows: dict[str, Any] | None = None) -> DocumentPart:
    """A document of the cache as a part; its N-Triples and (unless a worker just sent them) its rows are read
    when the build needs them (kg.store.complete_part)."""
    from kg.store import DocumentPart

    if rows is None:
        return DocumentPart(entry["id"], entry["source"], entry, None, key)
    return DocumentPart(entry["id"], entry["source"], entry, None, key, rows["tables"], tuple(rows["shared"]),
                        rows["lines"])


# ---------------------------------------------------------------------------- pre-extracted records


def iter_jsonl_documents(files: Iterable[str | os.PathLike]) -> Iterator[tuple[Document | None, str | None]]:
    """(Document, None) per line of ``kg extract --format jsonl`` output, or (None, "file:line: why")."""
    from loaders.model import Document

    for name in files:
        try:
            handle = open(name, encoding="utf-8")  # noqa: SIM115 - closed below, per file
        except OSError as exc:
            yield None, f"{name}: cannot read ({exc.strerror or exc})"
            continue
        with handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    yield Document.from_dict(json.loads(line)), None
                except (ValueError, TypeError, KeyError) as exc:
                    yield None, f"{name}:{number}: not a Document record ({type(exc).__name__}: {exc})"


def build_from_jsonl(files: Iterable[str | os.PathLike], store_path: str | os.PathLike,
                     sparql: bool | None = None) -> BuildReport:
    """A full build from pre-extracted Document records (JSON lines), streamed: nothing is re-parsed."""
    from kg import store as kgstore

    errors: list[str] = []
    counts = {"measures": 0, "assignments": 0}

    def documents() -> Iterator[Document]:
        for doc, error in iter_jsonl_documents(files):
            if doc is None:
                errors.append(error or "unreadable record")
                continue
            counts["measures"] += len(doc.measures)
            counts["assignments"] += sum(len(m.assignments) for m in doc.measures)
            yield doc

    with kgstore.locked(store_path) as store_dir:
        # One list for the records that cannot be read and the documents that cannot be converted, so
        # meta.json records both.
        summary = kgstore.commit_generation(store_dir, kgstore.document_parts(documents(), errors), errors,
                                            sparql=sparql)
    return BuildReport(summary, summary.generation, summary.documents, counts["measures"], counts["assignments"],
                       summary.triples, 0, "full", summary.errors)
