"""The embedded on-disk graph store: one Oxigraph database per build generation.

Layout of a store directory (default ``./kg-store``)::

    .lock                 held (fcntl, exclusive) by the one build writing
    CURRENT               one line: the name of the live generation directory
    gen-<UTC>-<pid>/      an Oxigraph (RocksDB) database, plus meta.json (documents, the files they were read
                          from, each document's cache key), shared.json (how many documents state each shared
                          triple) and results/ (rows kept by readers)
    cache/<key>.nt        each document's N-Triples: its own graph (kg.build writes them as it reads files)

The database holds one graph: the union of all documents' triples, as a *set*, in the default graph, which is
what every query reads (an agency named by two documents has its label once, so COUNT and SUM count it once).
Each document's own graph is kept as N-Triples in cache/, and ``Store.document_graphs`` / ``dump_nquads`` /
``to_rdflib`` give them back as one named graph per document (``doc_graph_iri``). Until layout 2 the database
kept every document in its own named graph as well as the union: that tripled the index entries written per
triple (six for a quad, three for a triple) and made the store write the largest part of a big build (≈14 s
against ≈5 s for 20k measures, measured), for a copy that only exports read. Such stores are still read.

To take one document out again (an incremental build), the triples about its own nodes (its document, measures,
assignments, evidence, targets, outcomes) go at once; a triple another document may state too (an agency's
label, a place, a role: see ``shared_lines``) goes when no document states it any more, which shared.json counts.

A build writes a new generation beside the live one and then replaces CURRENT
atomically; that replace is the only commit point. A full build bulk-loads it; an
incremental one starts from a checkpoint of the live generation (hard links to its
immutable sorted files) and replaces only the changed documents' graphs. Readers open the generation
CURRENT names, read-only, so a build never writes under a reader. The previous
generation is kept for readers that still have it open; older ones and
half-built leftovers are removed by the next successful build.

pyoxigraph and rdflib are imported inside the functions that use them, so
``import kg.store`` is free and the CLI starts instantly.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import hashlib
import io
import json
import os
import re
import shutil
import threading
import time
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple

from kg import __version__
from ontology.ns import PREFIXES, XSD, doc_graph_iri, doc_iri, measure_iri

if TYPE_CHECKING:  # only for annotations; the real imports are lazy
    import pyoxigraph
    import rdflib

    from loaders.model import Document

__all__ = [
    "DEFAULT_STORE",
    "IRI",
    "BuildSummary",
    "DocumentPart",
    "Store",
    "StoreBusy",
    "StoreError",
    "StoreMissing",
    "build_store",
    "commit_generation",
    "document_part",
    "document_parts",
    "live_meta",
    "locked",
    "open_store",
    "write_meta",
]

DEFAULT_STORE = Path("kg-store")
RESULTS = "results"
# A query that took longer than this has its rows kept beside the generation it ran on. A generation
# never changes once live, so the kept rows stay exact for as long as the generation exists; a
# new build starts a new generation with no kept rows.
RESULT_CACHE_SECONDS = 0.02
# A line in a query file where Store.select puts its bindings as a VALUES block (only where the
# bound variables are mandatory, so joining there or at the end gives the same rows). Every such line gets
# them: a sub-select sees none of the outer query's values, so each one that should start from them says so.
BINDINGS_MARK = "# @bindings"
_BINDINGS_LINE = re.compile(r"^[ \t]*" + re.escape(BINDINGS_MARK) + r"[ \t]*$", re.MULTILINE)
# A one-line OPTIONAL in a query file ending in this mark is looked up row by row: Store.select sends it to
# pyoxigraph as LATERAL { OPTIONAL { … } } (SEP-0006, which pyoxigraph 0.5 evaluates once per row), because its
# OPTIONAL reads the whole right side into a hash table first (`OPTIONAL { ?m pa:heading ?heading }` reads all
# 100k headings to answer about 1,150 measures). For a body of triple patterns without FILTER both forms give
# the same rows; the file itself stays standard SPARQL that any tool (the rdflib benchmark) runs as written.
# Likewise, triple patterns between a line "# @lookup {" and a line "# @lookup }" go to pyoxigraph as
# LATERAL { … }: joined row by row to what comes before them instead of being matched over the whole graph and
# hash-joined (a sub-select's rows cannot start a pattern outside it otherwise). For triple patterns alone
# (no FILTER, OPTIONAL or BIND) that is the same join.
LOOKUP_MARK = "# @lookup"
_LOOKUP_LINE = re.compile(
    r"^([ \t]*)OPTIONAL (\{ [^{}\n]* \})[ \t]*" + re.escape(LOOKUP_MARK) + r"[ \t]*$", re.MULTILINE)
_LOOKUP_BLOCK = re.compile(r"^([ \t]*)" + re.escape(LOOKUP_MARK) + r" ([{}])[ \t]*$", re.MULTILINE)
CURRENT = "CURRENT"
LOCK = ".lock"
META = "meta.json"
# Per generation: how many documents state each shared triple (see shared_lines), for incremental removal.
SHARED = "shared.json"
# Each document's N-Triples, as last extracted or loaded: <store>/cache/<key>.nt (see kg.build).
CACHE = "cache"
# The storage layout meta.json records. 2: the union only, documents' graphs in cache/ (1: a named graph per
# document plus the union in the default graph). An incremental build starts only from a generation of this one.
LAYOUT = 2
GEN_PREFIX = "gen-"

Value = str | int | float | bool | None


class StoreError(Exception):
    """A store problem a user can cause; the message is one line meant for them."""


class StoreBusy(StoreError):
    pass


class StoreMissing(StoreError):
    pass


class IRI(NamedTuple):
    """Marks a binding value as an IRI rather than a string: ``{"agency": IRI(agency_iri(...))}``."""

    value: str


@dataclass(frozen=True)
class BuildSummary:
    path: Path  # the store directory
    generation: str  # name of the generation now live
    documents: int  # documents written
    triples: int  # distinct triples in the graph (the union of the document graphs)
    quads: int = 0  # triples in document graphs (one repeated in two graphs counts twice)
    errors: list[str] = field(default_factory=list)  # documents skipped, with why


# ---------------------------------------------------------------------------- build


@contextlib.contextmanager
def _exclusive_lock(store_dir: Path) -> Iterator[None]:
    # flock is released by the kernel when the process dies, so a killed build never
    # leaves the store locked (a lock *file* with a pid would).
    with open(store_dir / LOCK, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise StoreBusy(f"another build is writing {store_dir}; wait for it to finish") from None
            raise
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _live_generation(store_dir: Path) -> str | None:
    try:
        name = (store_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return name or None


def _new_generation_dir(store_dir: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    for attempt in range(100):
        suffix = f"-{attempt}" if attempt else ""
        gen = store_dir / f"{GEN_PREFIX}{stamp}-{os.getpid()}{suffix}"
        try:
            gen.mkdir()
        except FileExistsError:
            continue
        return gen
    raise StoreError(f"cannot create a new generation directory in {store_dir}")


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _switch_current(store_dir: Path, generation: str) -> None:
    # Write-fsync-rename: after a crash CURRENT is either the old line or the new one.
    tmp = store_dir / (CURRENT + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(generation + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, store_dir / CURRENT)
    _fsync_dir(store_dir)


def _remove_stale_generations(store_dir: Path, keep: set[str]) -> None:
    for entry in store_dir.iterdir():
        if entry.is_dir() and entry.name.startswith(GEN_PREFIX) and entry.name not in keep:
            # A reader of a generation two builds old loses it; open files stay readable
            # on POSIX until closed, so even that reader finishes its current query.
            shutil.rmtree(entry, ignore_errors=True)


class _NQuadsReader(io.RawIOBase):
    """Streams the N-Quads of many documents to one ``bulk_load`` without holding them all.

    One bulk_load over the whole stream writes one set of sorted files; a bulk_load per
    document would write a set per document and leave compaction to do the merging.
    """

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            try:
                self._pending = memoryview(next(self._chunks))
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


@dataclass(frozen=True)
class DocumentPart:
    """One document ready for the store: its meta.json entry and its N-Triples (sorted lines)."""

    id: str
    source: str
    entry: dict[str, Any]  # the meta.json "documents" entry: id, source, title, kind, measures
    ntriples: bytes
    key: str = ""  # its entry in the store's cache/ ("" until written there)


def document_part(doc: Document) -> DocumentPart:
    """Convert one Document (raises what kg.triples raises on a record it cannot convert)."""
    from kg.triples import document_ntriples

    return DocumentPart(doc.id, doc.source, document_entry(doc), document_ntriples(doc).encode("utf-8"))


def document_entry(doc: Document) -> dict[str, Any]:
    return {"id": doc.id, "source": doc.source, "title": doc.title, "kind": doc.kind, "measures": len(doc.measures)}


@dataclass
class _BuildLog:
    documents: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    quads: int = 0


def document_parts(documents: Iterable[Document], errors: list[str]) -> Iterator[DocumentPart]:
    """Each document as a part, in order; a repeated id or a record that cannot be converted is appended
    to ``errors`` and skipped (one bad document never stops a build)."""
    seen: set[str] = set()
    for doc in documents:
        if doc.id in seen:
            errors.append(f"{doc.source}: same content as a document already built (id {doc.id}); skipped")
            continue
        try:
            part = document_part(doc)
        except Exception as exc:  # one bad document never stops a build; it is reported
            errors.append(f"{doc.source}: cannot convert to RDF: {exc}")
            continue
        seen.add(doc.id)
        yield part


def _named(ntriples: bytes, graph: str) -> bytes:
    # Each N-Triples line ends in " ."; the graph name goes before it (comment lines are left out).
    name = f" <{graph}> .\n".encode()
    return b"".join(line[:-2] + name for line in ntriples.splitlines() if line and not line.startswith(b"#"))


def _shared_pattern(doc_id: str) -> re.Pattern[bytes]:
    """N-Triples lines of one document whose subject and object are both outside it (not its document, measure,
    assignment, evidence, target or outcome IRIs): the triples another document may state too (an agency's
    label, a place, a role), which the union keeps while any document still states them."""
    own = re.escape(f"<{doc_iri(doc_id)}".encode()) + rb"[/>]|" + re.escape(f"<{measure_iri(doc_id)}-".encode())
    # Anchored on a newline rather than ^ with MULTILINE: the engine then only stops at line starts (3.5× faster).
    return re.compile(rb"\n((?!" + own + rb")\S+ \S+ (?!" + own + rb")[^\n]*)")


def shared_lines(part: DocumentPart) -> set[bytes]:
    """The lines of ``part`` another document may also state (see ``_shared_pattern``)."""
    return set(_shared_pattern(part.id).findall(b"\n" + part.ntriples))


class _Feed:
    """Hands documents to one or more ``bulk_load`` readers, one whole document at a time, and keeps the build's
    books on the way: the meta.json entries, the quad count, and how many documents state each shared triple."""

    def __init__(
        self,
        parts: Iterable[DocumentPart],
        log: _BuildLog,
        record: bool,
        refs: dict[str, int],
        cache: Path,
        keys: dict[str, str],
    ) -> None:
        self._parts = iter(parts)
        self._log, self._record, self._refs = log, record, refs
        self._cache, self.keys = cache, keys
        self._lock = threading.Lock()
        self.stopped = False

    def __iter__(self) -> Iterator[bytes]:
        while True:
            with self._lock:
                if self.stopped:
                    return
                part = next(self._parts, None)
                if part is None:
                    return
                if self._record:  # in the order the parts come, whichever loader takes them
                    self._log.documents.append(part.entry)
                self._log.quads += part.ntriples.count(b"\n")
                key = part.key
                if not key:  # a document read from records, not files: kept in the cache all the same
                    key = "r" + hashlib.sha256(part.ntriples).hexdigest()[:31]
                    write_cache_entry(self._cache, key, {"key": key, "doc": part.entry}, part.ntriples)
                self.keys[part.id] = key
            # Outside the lock: the other loader, in Rust without the GIL, goes on meanwhile.
            shared = shared_lines(part)
            with self._lock:
                for line in shared:
                    text = line.decode("utf-8")
                    self._refs[text] = self._refs.get(text, 0) + 1
            yield part.ntriples


def _bulk_load(db: pyoxigraph.Store, feed: _Feed, threads: int) -> None:
    """Load every document of ``feed`` into the default graph with ``threads`` bulk loaders side by side.

    pyoxigraph's bulk loader is single-threaded and releases the GIL; RocksDB ingests the sorted files each one
    writes, and a triple two loaders both write is one key, so the union stays a set."""
    from pyoxigraph import RdfFormat

    if threads <= 1:
        db.bulk_load(_NQuadsReader(iter(feed)), format=RdfFormat.N_TRIPLES, lenient=True)
        return
    failures: list[BaseException] = []

    def run() -> None:
        try:
            db.bulk_load(_NQuadsReader(iter(feed)), format=RdfFormat.N_TRIPLES, lenient=True)
        except BaseException as exc:  # handed to the caller below
            feed.stopped = True
            failures.append(exc)

    workers = [threading.Thread(target=run, name=f"bulk-load-{n}", daemon=True) for n in range(threads)]
    for worker in workers:
        worker.start()
    try:
        for worker in workers:
            worker.join()
    except BaseException:
        feed.stopped = True  # an interrupt: the loaders stop at the next document; the generation is discarded
        raise
    if failures:
        raise failures[0]


def _load_vocabularies(db: pyoxigraph.Store) -> None:
    """The topic scheme goes into every store, so questions by topic can use its labels and its broader/narrower
    links."""
    from pyoxigraph import RdfFormat

    from ontology import topics_path

    db.load(topics_path().read_bytes(), format=RdfFormat.TURTLE)


def _remove_documents(
    db: pyoxigraph.Store, parts: Iterable[DocumentPart], refs: dict[str, int], keys: dict[str, str]
) -> int:
    """Take documents out of the union: every triple about the document's own nodes, and each shared triple
    no other document still states; and out of ``keys``. Returns how many lines the documents had."""
    from pyoxigraph import DefaultGraph, Quad, RdfFormat, parse

    removed = 0
    for part in parts:
        keys.pop(part.id, None)
        shared = shared_lines(part)
        gone = [line for line in part.ntriples.splitlines() if line and line not in shared]
        for line in shared:
            key = line.decode("utf-8")
            count = refs.get(key, 0) - 1
            if count > 0:
                refs[key] = count
            else:
                refs.pop(key, None)
                gone.append(line)
        removed += part.ntriples.count(b"\n")
        if gone:
            for triple in parse(b"\n".join(gone) + b"\n", format=RdfFormat.N_TRIPLES):
                db.remove(Quad(triple.subject, triple.predicate, triple.object, DefaultGraph()))
    return removed


def _add_documents(db: pyoxigraph.Store, feed: _Feed) -> None:
    from pyoxigraph import RdfFormat

    for data in feed:
        db.load(data, format=RdfFormat.N_TRIPLES)


def load_threads(jobs: int | None = None) -> int:
    """Bulk loaders a full build runs side by side: two where two CPUs are available and the build may use them
    (``jobs``, as ``kg build --jobs``), else one. Measured for 20k measures: 3.4 s with two, 4.9 s with one; each
    loader holds its own sort buffers, so two also take more memory."""
    from kg.build import default_jobs

    cpus = default_jobs()
    return 2 if min(cpus, jobs or cpus) >= 2 else 1


def _write_generation(
    gen: Path,
    parts: Iterable[DocumentPart],
    log: _BuildLog,
    base: Path | None = None,
    remove: Iterable[DocumentPart] = (),
    extra: dict[str, Any] | None = None,
    jobs: int | None = None,
) -> int:
    """Write the database and meta.json of one generation; return its distinct triple count.

    Without ``base`` the generation is bulk-loaded from ``parts``. With ``base`` (a finished generation of
    this layout) it starts as a checkpoint of it (hard links to its immutable sorted files, so nearly free),
    loses the documents ``remove`` (as they were stored) and gains ``parts``: the cost is that of the
    documents that changed, not of the corpus. Either way the base is never written.
    """
    from pyoxigraph import Store as OxStore

    quads_before = 0
    refs: dict[str, int] = {}
    keys: dict[str, str] = {}
    if base is not None:
        gen.rmdir()  # the checkpoint creates the directory itself
        OxStore.read_only(str(base)).backup(str(gen))
        base_meta = json.loads((base / META).read_text(encoding="utf-8"))
        quads_before = int(base_meta.get("quads", 0))
        keys = dict(base_meta.get("doc_cache", {}))
        refs = json.loads((base / SHARED).read_text(encoding="utf-8"))
    db = OxStore(str(gen))
    timings: dict[str, float] = {}  # seconds per step, recorded in meta.json (what benchmarks/run.py prints)
    clock = time.perf_counter()

    def step(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(timings.get(name, 0.0) + now - clock, 3)
        clock = now

    try:
        feed = _Feed(parts, log, extra is None or "documents" not in extra, refs, gen.parent / CACHE, keys)
        if base is None:
            _bulk_load(db, feed, load_threads(jobs))
            _load_vocabularies(db)
        else:
            quads_before -= _remove_documents(db, remove, refs, keys)
            step("remove")
            _add_documents(db, feed)
        db.flush()
        step("load")
        if base is None:
            db.optimize()
            step("optimize")
        triples = len(db)  # the database holds the default graph only: its quads are the union's triples
        step("count")
    finally:
        del db  # closes RocksDB before any reader opens the generation
    _write_json(gen / SHARED, refs)
    meta: dict[str, Any] = {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tool": "pingan-kg",
        "version": __version__,
        "layout": LAYOUT,
        "generation": gen.name,
        "documents": log.documents,
        "triples": triples,
        "quads": log.quads + quads_before,
        "errors": log.errors,
        "timings": timings,
        **(extra or {}),
    }
    documents = meta["documents"]
    meta["doc_cache"] = {d["id"]: keys[d["id"]] for d in documents if d["id"] in keys}
    write_meta(gen, meta)
    return triples


def write_meta(gen: Path, meta: dict[str, Any]) -> None:
    """Write (or rewrite) a generation's meta.json atomically."""
    _write_json(gen / META, meta, indent=1)


def _write_json(path: Path, value: Any, indent: int | None = None) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(value, handle, ensure_ascii=False, indent=indent)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def write_cache_entry(cache: Path, key: str, summary: dict[str, Any], ntriples: bytes) -> None:
    """One document's cache entry: a comment line with its summary, then its N-Triples, so the file stays valid
    N-Triples. Written to a temporary name and renamed: a killed build never leaves half an entry."""
    tmp = cache / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
    with open(tmp, "wb") as handle:
        handle.write(b"# " + json.dumps(summary, ensure_ascii=False).encode("utf-8") + b"\n")
        handle.write(ntriples)
    os.replace(tmp, cache / f"{key}.nt")


def read_cache_entry(cache: Path, key: str) -> bytes:
    """The N-Triples of a cache entry (without its summary line); OSError when it is gone."""
    data = (cache / f"{key}.nt").read_bytes()
    return data[data.index(b"\n") + 1 :]


def _prune_cache(store_dir: Path, generations: set[str]) -> None:
    # Entries of the kept generations stay (the previous one's for readers that still have it open, and the
    # files a build read but skipped, so the next build need not read them again); older ones go, and so do
    # temporary files of a killed build. Runs under the build lock.
    keep: set[str] = set()
    for name in generations:
        try:
            meta = json.loads((store_dir / name / META).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        keep.update(meta.get("doc_cache", {}).values())
        keep.update(row["key"] for row in meta.get("files") or [] if "key" in row)
    for entry in (store_dir / CACHE).iterdir():
        if entry.name.startswith(".") or (entry.suffix == ".nt" and entry.stem not in keep):
            entry.unlink(missing_ok=True)


def _prepare(path: str | os.PathLike[str]) -> Path:
    store_dir = Path(path)
    if store_dir.exists() and not store_dir.is_dir():
        raise StoreError(f"{store_dir} is a file, not a store folder")
    store_dir.mkdir(parents=True, exist_ok=True)
    return store_dir


@contextlib.contextmanager
def locked(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Hold the store's build lock (StoreBusy when another build has it); yields the store folder."""
    store_dir = _prepare(path)
    with _exclusive_lock(store_dir):
        yield store_dir


def live_meta(store_dir: Path) -> dict[str, Any] | None:
    """meta.json of the live generation, or None when there is none (or it is unreadable)."""
    generation = _live_generation(store_dir)
    if generation is None:
        return None
    try:
        return json.loads((store_dir / generation / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def commit_generation(
    store_dir: Path,
    parts: Iterable[DocumentPart],
    errors: Iterable[str] = (),
    *,
    incremental: bool = False,
    remove: Iterable[DocumentPart] = (),
    extra: dict[str, Any] | None = None,
    jobs: int | None = None,
) -> BuildSummary:
    """Write a new generation and make it live; the caller holds the lock (``locked``).

    ``incremental`` starts from the live generation (see ``_write_generation``), which must be of this
    ``LAYOUT``, and takes out the documents ``remove`` (their parts as the live generation stored them);
    ``extra`` keys go into meta.json, and an ``extra["documents"]`` list replaces the one made from ``parts``.
    Each document's N-Triples are kept in the store's cache/ (parts without a key are written there).
    ``jobs`` caps the CPUs a full load uses (see ``load_threads``).
    """
    previous = _live_generation(store_dir)
    (store_dir / CACHE).mkdir(exist_ok=True)
    gen = _new_generation_dir(store_dir)
    # A list is used as is: a parts generator may still append conversion errors to it.
    log = _BuildLog(errors=errors if isinstance(errors, list) else list(errors))
    base = store_dir / previous if incremental and previous else None
    try:
        triples = _write_generation(gen, parts, log, base, remove, extra, jobs)
    except BaseException:
        # Never live, so nobody reads it; a killed process leaves it for the next build.
        shutil.rmtree(gen, ignore_errors=True)
        raise
    _switch_current(store_dir, gen.name)
    kept = {gen.name} | ({previous} if previous else set())
    _remove_stale_generations(store_dir, keep=kept)
    _prune_cache(store_dir, kept)
    documents = extra["documents"] if extra and "documents" in extra else log.documents
    return BuildSummary(store_dir, gen.name, len(documents), triples, log.quads, log.errors)


def build_store(
    path: str | os.PathLike[str],
    documents: Iterable[Document],
    errors: Iterable[str] = (),
) -> BuildSummary:
    """Write ``documents`` as a new generation of the store at ``path`` and make it live.

    ``errors`` are problems met before this call (files the loaders could not read); they
    are recorded in meta.json with the documents this build had to skip.
    Raises StoreBusy when another build holds the store.
    """
    with locked(path) as store_dir:
        log = _BuildLog(errors=list(errors))
        # The conversion errors are appended to the same list the generation records.
        return commit_generation(store_dir, document_parts(documents, log.errors), log.errors)


# ---------------------------------------------------------------------------- read

_INT_TYPES = {
    XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}
_FLOAT_TYPES = {XSD + "decimal", XSD + "double", XSD + "float"}


def _to_term(value: Value | IRI) -> pyoxigraph.NamedNode | pyoxigraph.Literal:
    from pyoxigraph import Literal, NamedNode

    if isinstance(value, IRI):
        return NamedNode(value.value)
    if isinstance(value, str | int | float):  # bool is an int: Literal(True) is xsd:boolean
        return Literal(value)
    raise TypeError(f"cannot bind {value!r}: use str, int, float, bool or IRI(...)")


def _to_python(term: Any) -> Value:
    return _default_converter()(term)


@functools.cache
def _default_converter() -> Any:
    """The term → Python value function, with the pyoxigraph classes bound once (it runs for every cell of every
    row: 418k times for one `kg targets` at 100k measures)."""
    from pyoxigraph import BlankNode, Literal, NamedNode

    string, boolean = XSD + "string", XSD + "boolean"

    def convert(term: Any) -> Value:
        if term is None:
            return None
        kind = type(term)
        if kind is Literal:
            datatype = term.datatype.value
            if datatype == string:
                return term.value
            try:
                if datatype in _INT_TYPES:
                    return int(term.value)
                if datatype in _FLOAT_TYPES:
                    return float(term.value)
            except ValueError:  # an ill-typed literal ("abc"^^xsd:integer) stays a string
                return term.value
            if datatype == boolean:
                return term.value in ("true", "1")
            return term.value
        if kind is NamedNode:
            return term.value
        if kind is BlankNode:
            return "_:" + term.value
        return str(term)  # quoted triples (RDF-star) have no plain Python form

    return convert


def _lookups(sparql: str) -> str:
    """The query as pyoxigraph is to run it: its ``# @lookup`` OPTIONALs and blocks made LATERAL."""
    sparql = _LOOKUP_LINE.sub(r"\1LATERAL { OPTIONAL \2 }", sparql)
    return _LOOKUP_BLOCK.sub(lambda m: m.group(1) + ("LATERAL {" if m.group(2) == "{" else "}"), sparql)


def _result_key(sparql: str, bindings: dict[str, Value | IRI]) -> str:
    text = sparql + "\0" + repr(sorted((k, type(v).__name__, v) for k, v in bindings.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class Store:
    """A read-only view of the live generation. Use as a context manager or call close()."""

    def __init__(self, path: Path, generation: str, db: pyoxigraph.Store) -> None:
        self.path = path
        self.generation = generation
        self._db: pyoxigraph.Store | None = db
        self._meta: dict[str, Any] | None = None

    @property
    def _store(self) -> pyoxigraph.Store:
        if self._db is None:
            raise StoreError(f"the store at {self.path} is closed")
        return self._db

    @property
    def meta(self) -> dict[str, Any]:
        """The generation's meta.json: built_at, version, documents, triples, errors."""
        if self._meta is None:
            self._meta = json.loads((self.path / self.generation / META).read_text(encoding="utf-8"))
        return self._meta

    def select(self, sparql: str, bindings: dict[str, Value | IRI] | None = None) -> list[dict[str, Value]]:
        """Run a SELECT over the union of all document graphs and return plain rows.

        The union is the store's default graph, a set (see the module docstring), so COUNT and
        SUM count a triple once however many documents repeat it. ``GRAPH ?g { … }`` still
        reaches the document graphs one by one.

        ``bindings`` fix variables before evaluation (str → plain literal, int → xsd:integer,
        IRI(...) → IRI). Oxigraph substitutes only variables of the SELECT projection, so a
        bound variable must be projected (``SELECT ?name ?measure …``); ValueError says so.
        The pa:, id:, skos:, dct:, … prefixes are predeclared.
        """
        bindings = bindings or {}
        key = _result_key(sparql, bindings)
        rows = self._cached_rows(key)
        if rows is not None:
            return rows
        started = time.perf_counter()
        rows = self._evaluate(sparql, bindings)
        if time.perf_counter() - started > RESULT_CACHE_SECONDS:
            self._cache_rows(key, rows)
        return rows

    def _evaluate(self, sparql: str, bindings: dict[str, Value | IRI]) -> list[dict[str, Value]]:
        from pyoxigraph import QuerySolutions, Variable

        if bindings and _BINDINGS_LINE.search(sparql):
            # The query says where its parameters join (see BINDINGS_MARK): a VALUES block there lets
            # the optimiser start from them instead of joining them to the whole answer at the end.
            # One VALUES per variable: pyoxigraph 0.5 did not finish a two-variable VALUES row joined
            # with the query's own VALUES table on one of them.
            values = " ".join(f"VALUES ?{name} {{ {_to_term(value)} }}" for name, value in bindings.items())
            sparql, substitutions = _BINDINGS_LINE.sub(lambda _: values, sparql), {}
        else:
            substitutions = {Variable(name): _to_term(value) for name, value in bindings.items()}
        sparql = _lookups(sparql)
        try:
            results = self._store.query(
                sparql,
                prefixes=PREFIXES,
                substitutions=substitutions or None,
            )
        except RuntimeError as exc:
            if "SELECT projection" in str(exc):
                raise ValueError(f"{exc}: a bound variable must appear in the SELECT clause") from None
            raise
        if not isinstance(results, QuerySolutions):
            raise ValueError("select() runs SELECT queries only")
        names = [v.value for v in results.variables]
        convert = _default_converter()
        # A solution iterates over its values in the order of the variables: 20 % faster than by name.
        return [dict(zip(names, map(convert, solution), strict=True)) for solution in results]

    def _cached_rows(self, key: str) -> list[dict[str, Value]] | None:
        try:
            # JSON, not pickle: a store folder may be shared, and loading a pickle runs code
            with open(self.path / self.generation / RESULTS / f"{key}.json", encoding="utf-8") as handle:
                rows = json.load(handle)
        except (OSError, ValueError):
            return None
        return rows if isinstance(rows, list) else None

    def _cache_rows(self, key: str, rows: list[dict[str, Value]]) -> None:
        # Best effort: a reader without write access to the store simply does not cache.
        folder = self.path / self.generation / RESULTS
        tmp = folder / f".{key}.{os.getpid()}.tmp"
        try:
            folder.mkdir(exist_ok=True)
            text = json.dumps(rows, ensure_ascii=False)  # json.dump encodes piece by piece: far slower
            with open(tmp, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, folder / f"{key}.json")
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()

    def triples(self) -> Iterator[Any]:
        """Every triple of the union (the default graph) as pyoxigraph quads, streamed."""
        from pyoxigraph import DefaultGraph

        return self._store.quads_for_pattern(None, None, None, DefaultGraph())

    def document_graphs(self) -> Iterator[tuple[str, bytes]]:
        """Each document's triples as stored: (graph IRI, N-Triples), in build order. The union in the store is
        their merge; each document's own graph is kept in the store's cache/ (see ``LAYOUT``)."""
        meta = self.meta
        keys = meta.get("doc_cache")
        if keys is None:  # layout 1: the document graphs are named graphs of the database
            from pyoxigraph import NamedNode, RdfFormat

            for doc in meta.get("documents", []):
                graph = doc_graph_iri(doc["id"])
                yield graph, self._store.dump(format=RdfFormat.N_TRIPLES, from_graph=NamedNode(graph))
            return
        for doc in meta.get("documents", []):
            try:
                data = read_cache_entry(self.path / CACHE, keys[doc["id"]])
            except (OSError, KeyError, ValueError):
                raise StoreError(
                    f"the triples of document {doc['source']} are gone from {self.path / CACHE} (a newer build "
                    "removed them): run `kg build` again"
                ) from None
            yield doc_graph_iri(doc["id"]), data

    def dump_nquads(self) -> bytes:
        """The document graphs as N-Quads, one named graph per document, and the topic scheme in its own."""
        from pyoxigraph import RdfFormat, parse, serialize

        from ontology import topics_path
        from ontology.ns import TOPIC_SCHEME_GRAPH

        out = [_named(data, graph) for graph, data in self.document_graphs()]
        scheme = serialize(parse(path=topics_path(), format=RdfFormat.TURTLE), format=RdfFormat.N_TRIPLES)
        out.append(_named(scheme, TOPIC_SCHEME_GRAPH))
        return b"".join(out)

    def to_rdflib(self) -> rdflib.Dataset:
        """The whole store as an rdflib Dataset (one graph per document). Costly at scale."""
        import rdflib

        dataset = rdflib.Dataset()
        with warnings.catch_warnings():
            # rdflib 7.6's own Dataset.parse reads its deprecated default_context; not ours to fix.
            warnings.filterwarnings("ignore", message="Dataset.default_context", category=DeprecationWarning)
            dataset.parse(data=self.dump_nquads(), format="nquads")
        return dataset

    def union_graph(self) -> rdflib.Graph:
        """The union of all document graphs as one rdflib Graph (what pySHACL needs)."""
        import rdflib
        from pyoxigraph import DefaultGraph, RdfFormat

        graph = rdflib.Graph()
        graph.parse(data=self._store.dump(format=RdfFormat.N_TRIPLES, from_graph=DefaultGraph()), format="nt")
        return graph

    def close(self) -> None:
        # pyoxigraph has no close(); dropping the last reference closes RocksDB.
        self._db = None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_store(path: str | os.PathLike[str] = DEFAULT_STORE) -> Store:
    """Open the live generation read-only. Raises StoreMissing when nothing was built."""
    from pyoxigraph import Store as OxStore

    store_dir = Path(path)
    # Two builds can finish between reading CURRENT and opening the generation it names
    # (the second removes it); reading CURRENT again then finds the newer one.
    for _attempt in range(3):
        generation = _live_generation(store_dir)
        if generation is None:
            raise StoreMissing(f"no graph at {store_dir}: run `kg build PATH` first")
        gen_dir = store_dir / generation
        if not gen_dir.is_dir():
            time.sleep(0.05)
            continue
        try:
            return Store(store_dir, generation, OxStore.read_only(str(gen_dir)))
        except OSError:
            if (store_dir / generation).is_dir() and _live_generation(store_dir) == generation:
                raise
    raise StoreMissing(f"no graph at {store_dir}: CURRENT names a generation that is gone; run `kg build` again")
