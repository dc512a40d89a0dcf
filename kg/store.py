"""The embedded on-disk store: one generation per build, each with the question tables and, when wanted, a SPARQL
index.

Layout of a store directory (default ``./kg-store``)::

    .lock                 held (fcntl, exclusive) by the one build writing
    CURRENT               one line: the name of the live generation directory
    gen-<UTC>-<pid>/      one generation:
        tables.sqlite     the question tables (kg.tables): what every CLI question reads
        sparql/           the SPARQL index, an Oxigraph (RocksDB) database of the union; only when the build was
                          asked for one (``kg build --sparql``), the previous generation had one, or a SPARQL
                          question has been asked since (``Store.sparql_index`` builds it then, from cache/)
        meta.json         documents, the files they were read from, each document's cache key, counts, timings
        shared.json       how many documents state each shared triple (to take documents out again)
        results/          rows kept by readers of the SPARQL index
    cache/<key>.nt        each document's N-Triples: its own graph (kg.build writes them as it reads files)
    cache/<key>.rows      each document's table rows and shared lines (JSON)

Why two layouts of one graph. The RDF graph is the record: each document's graph is kept in cache/ and comes
back as named graphs in ``Store.document_graphs`` / ``dump_nquads`` / ``to_rdflib``; the union of them all is
what SPARQL reads. But an RDF store looks each value up separately, so the CLI's questions took 0.35–11 s at
100k measures from a fresh process, where the same rows from SQLite tables take milliseconds (docs/scale.md);
and bulk-loading 5.5M triples into RocksDB was most of a build. So a build writes the tables (cheap) and leaves
the SPARQL index to whoever needs it. The triple count comes from the books, not from the index: each
document's own lines plus each shared line once plus the topic scheme.

The union is a *set*: an agency named by two documents has its label once, so COUNT and SUM count it once. To
take one document out again (an incremental build), its rows go from the tables, the triples about its own
nodes (its document, measures, assignments, evidence, targets, outcomes) from the index at once, and a triple
another document may state too (an agency's label, a place, a role: see ``shared_lines_of``) when no document
states it any more, which shared.json counts.

A build writes a new generation beside the live one and then replaces CURRENT atomically; that replace is the
only commit point. A full build writes it from scratch; an incremental one starts from a copy of the live
generation (its tables file copied, its SPARQL index checkpointed: hard links to immutable sorted files) and
replaces only the changed documents. Readers open the generation CURRENT names, read-only, so a build never
writes under a reader. The previous generation is kept for readers that still have it open; older ones and
half-built leftovers are removed by the next successful build. Generations of layout 2 (the union in the
generation directory itself, no tables) and 1 are still read: their questions go to SPARQL.

pyoxigraph and rdflib are imported inside the functions that use them, so ``import kg.store`` is free and the
CLI starts instantly; a question from the tables never imports pyoxigraph at all.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import fcntl
import functools
import io
import itertools
import json
import os
import re
import threading
import time
import warnings
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple

from kg import __version__
from kg.store_files import (
    CURRENT,
    NotAStore,
    StoreBusy,
    StoreDamaged,
    StoreError,
    StoreMissing,
    claim,
    damage_noted,
    file_record,
    forget_damage_notes,
    live_generation,
    note_damage,
    pin_generation,
    prune_cache,
    record_generation,
    remove_generations,
    remove_temporary_files,
    same_record,
    write_atomically,
)
from ontology.ns import PREFIXES, XSD, doc_graph_iri, doc_iri, measure_iri

if TYPE_CHECKING:  # only for annotations; the real imports are lazy
    import pyoxigraph
    import rdflib

    from kg.tables import Tables, TableWriter
    from loaders.model import Document

__all__ = [
    "DEFAULT_STORE",
    "IRI",
    "BuildSummary",
    "NotAStore",
    "DocumentPart",
    "Store",
    "StoreBusy",
    "StoreDamaged",
    "StoreError",
    "StoreMissing",
    "build_store",
    "commit_generation",
    "document_part",
    "damage_noted",
    "document_parts",
    "forget_damage_notes",
    "generation_damage",
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
LOCK = ".lock"
META = "meta.json"
# Per generation: how many documents state each shared triple (see shared_lines_of), for incremental removal.
SHARED = "shared.json"
# Each document's N-Triples, as last extracted or loaded: <store>/cache/<key>.nt (see kg.build).
CACHE = "cache"
# Each document's table rows (kg.tables) and shared lines, as JSON: <store>/cache/<key>.rows.
ROWS_SUFFIX = ".rows"
# The storage layout meta.json records. 3: the question tables (kg.tables) in tables.sqlite, the SPARQL index
# (Oxigraph, the union only) in sparql/ when there is one, documents' graphs in cache/. 2: the union in the
# generation directory itself, no tables. 1: a named graph per document plus the union. An incremental build
# starts only from a generation of this one; older ones are still read (their questions go to SPARQL).
LAYOUT = 3
# The generation's SPARQL index (an Oxigraph database), and the lock whoever builds it holds.
SPARQL_DIR = "sparql"
SPARQL_LOCK = ".sparql.lock"
GEN_PREFIX = "gen-"

Value = str | int | float | bool | None


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


# Descriptors of locks this process holds. A worker forked while a build holds its lock would share the lock (an
# flock belongs to the open file, which fork shares) and keep the store locked after the build died; each forked
# child closes its copies at once, so the lock lives exactly as long as the process that took it.
_HELD_LOCKS: set[int] = set()


def _close_inherited_locks() -> None:
    for fd in _HELD_LOCKS:
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD_LOCKS.clear()


os.register_at_fork(after_in_child=_close_inherited_locks)


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
        _HELD_LOCKS.add(handle.fileno())
        try:
            yield
        finally:
            _HELD_LOCKS.discard(handle.fileno())
            fcntl.flock(handle, fcntl.LOCK_UN)


def _live_generation(store_dir: Path) -> str | None:
    return live_generation(store_dir)


def _new_generation_dir(store_dir: Path) -> Path:
    from kg.store_files import READERS

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    for attempt in range(100):
        suffix = f"-{attempt}" if attempt else ""
        gen = store_dir / f"{GEN_PREFIX}{stamp}-{os.getpid()}{suffix}"
        if gen.exists():
            continue
        record_generation(store_dir, gen.name)  # before it exists: a build killed now leaves nothing unrecorded
        try:
            gen.mkdir()
        except FileExistsError:
            continue
        (gen / READERS).touch()  # what readers lock to keep the generation while they read it
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
    write_atomically(store_dir / CURRENT, (generation + "\n").encode("utf-8"))
    _fsync_dir(store_dir)


def _remove_stale_generations(store_dir: Path, keep: set[str]) -> set[str]:
    """Remove this store's generations but ``keep`` (those a reader still holds stay); return the ones left.
    A file the store did not make is never removed (kg.store_files)."""
    for stale in store_dir.glob("*.tmp"):  # CURRENT, GENERATIONS and the marker of a build killed mid-write
        if re.fullmatch(r"(?:CURRENT|GENERATIONS|PINGAN-KG-STORE)(?:\.[0-9]+)?\.tmp", stale.name):
            stale.unlink(missing_ok=True)
    return remove_generations(store_dir, keep)


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
    """One document ready for the store: its meta.json entry, its table rows (kg.tables), its N-Triples (sorted
    lines) and which of them another document may state too (``shared_lines_of``).

    ``ntriples`` is None for a part read back from the cache without them (a build that makes no SPARQL index
    does not need them); ``read_ntriples`` fetches them then."""

    id: str
    source: str
    entry: dict[str, Any]  # the meta.json "documents" entry: id, source, title, kind, measures
    ntriples: bytes | None
    key: str = ""  # its entry in the store's cache/ ("" until written there)
    tables: dict[str, list] | None = None
    shared: tuple[str, ...] = ()  # its lines another document may state too (see shared_lines_of), decoded
    lines: int = 0  # its N-Triples lines


def document_part(doc: Document) -> DocumentPart:
    """Convert one Document (raises what kg.triples and kg.tables raise on a record they cannot convert)."""
    from kg.tables import document_rows
    from kg.triples import document_ntriples_bytes

    ntriples = document_ntriples_bytes(doc)
    shared = tuple(line.decode("utf-8") for line in shared_lines_of(doc.id, ntriples))
    return DocumentPart(doc.id, doc.source, document_entry(doc), ntriples, tables=document_rows(doc), shared=shared,
                        lines=ntriples.count(b"\n"))


def cache_document(doc: Document, cache: Path, key: str, summary: dict[str, Any]) -> dict[str, Any]:
    """Convert one document and write its cache entry (``write_cache_entry``); return its rows (``rows_entry``).

    The same entry as ``document_part`` and ``write_cache_entry`` give, holding less at once: the N-Triples are
    hashed, searched for shared lines and written a slice of lines at a time, never joined whole (for a dense
    task table they are fifty times its text, and a build's memory is that of its largest document)."""
    import hashlib

    from kg.tables import document_rows
    from kg.triples import document_ntriples_lines

    rows = {"tables": document_rows(doc)}
    lines = document_ntriples_lines(doc)
    pattern, digest, shared = _shared_pattern(doc.id), hashlib.sha256(), set()
    for start in range(0, len(lines), _SLICE):
        blob = b"".join(lines[start : start + _SLICE])
        digest.update(blob)
        shared.update(pattern.findall(b"\n" + blob))
    rows.update(shared=sorted(line.decode("utf-8") for line in shared), lines=len(lines))
    slices = (b"".join(lines[start : start + _SLICE]) for start in range(0, len(lines), _SLICE))
    write_cache_entry(cache, key, summary, slices, rows, sha256=digest.hexdigest())
    return rows


_SLICE = 65536  # lines joined at a time by cache_document


def document_entry(doc: Document) -> dict[str, Any]:
    """A document's entry in meta.json: what it is, and how much of it was understood (kg build and kg lint say)."""
    entry = {"id": doc.id, "source": doc.source, "title": doc.title, "kind": doc.kind, "measures": len(doc.measures)}
    if doc.coverage is not None:
        c = doc.coverage
        entry["coverage"] = {"share": round(c.share, 3), "without_agency": c.without_agency,
                             "statistics": c.statistics, "unread_lines": c.unread_lines}
    return entry


@dataclass
class _BuildLog:
    documents: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    quads: int = 0
    own: int = 0  # lines no other document can state (see shared_lines_of): the union holds each once


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


def shared_lines_of(doc_id: str, ntriples: bytes) -> set[bytes]:
    """The lines of one document's N-Triples another document may also state (see ``_shared_pattern``)."""
    return set(_shared_pattern(doc_id).findall(b"\n" + ntriples))


class _Feed:
    """Takes the documents of a build one at a time: their rows go to the tables, their N-Triples (when the
    generation gets a SPARQL index) to one or more ``bulk_load`` readers; and it keeps the build's books on the
    way: the meta.json entries, the line counts, and how many documents state each shared triple."""

    def __init__(
        self,
        parts: Iterable[DocumentPart],
        log: _BuildLog,
        record: bool,
        refs: dict[str, int],
        cache: Path,
        keys: dict[str, str],
        tables: TableWriter,
        ntriples: bool,
    ) -> None:
        self._parts = iter(parts)
        self._log, self._record, self._refs = log, record, refs
        self._cache, self.keys = cache, keys
        self._tables, self._ntriples = tables, ntriples
        self._lock = threading.Lock()
        self.stopped = False

    def __iter__(self) -> Iterator[bytes]:
        import hashlib

        while True:
            with self._lock:  # a second bulk loader reads from its own thread
                if self.stopped:
                    return
                part = next(self._parts, None)
                if part is None:
                    return
                if self._record:  # in the order the parts come, whichever loader takes them
                    self._log.documents.append(part.entry)
                key = part.key
                if not key:  # a document read from records, not files: kept in the cache all the same
                    assert part.ntriples is not None and part.tables is not None
                    key = "r" + hashlib.sha256(part.ntriples).hexdigest()[:31]
                    write_cache_entry(self._cache, key, {"key": key, "doc": part.entry}, part.ntriples,
                                      rows_entry(part))
                self.keys[part.id] = key
                part = complete_part(part, self._cache, key, self._ntriples)
                assert part.tables is not None
                self._tables.add(part.tables)
                self._log.quads += part.lines
                self._log.own += part.lines - len(part.shared)
                refs = self._refs
                for line in part.shared:
                    refs[line] = refs.get(line, 0) + 1
            yield part.ntriples or b""


def rows_entry(part: DocumentPart) -> dict[str, Any]:
    """What the cache keeps of a part beside its N-Triples: its table rows, its shared lines, its line count."""
    return {"tables": part.tables, "shared": list(part.shared), "lines": part.lines}


def complete_part(part: DocumentPart, cache: Path, key: str, ntriples: bool) -> DocumentPart:
    """``part`` with its rows (and, when ``ntriples``, its N-Triples) read back from its cache entry where missing."""
    if part.tables is None:
        rows = read_rows_entry(cache, key)
        part = dataclasses.replace(part, tables=rows["tables"], shared=tuple(rows["shared"]), lines=rows["lines"])
    if ntriples and part.ntriples is None:
        part = dataclasses.replace(part, ntriples=read_cache_entry(cache, key))
    return part


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


def _forget_documents(
    parts: Iterable[DocumentPart], refs: dict[str, int], keys: dict[str, str], tables: TableWriter, cache: Path,
    index: bool,
) -> tuple[int, int, list[bytes]]:
    """Take documents out of the books, ``keys`` and the tables: the union loses every triple about the document's
    own nodes and each shared triple no other document still states. Returns (their lines, their own lines, and
    when ``index`` the N-Triples lines the SPARQL index must lose)."""
    lines = own = 0
    gone: list[bytes] = []
    for part in parts:
        keys.pop(part.id, None)
        part = complete_part(part, cache, part.key, index)
        assert part.tables is not None
        tables.remove(part.tables)
        if index:
            assert part.ntriples is not None
            shared = {line.encode("utf-8") for line in part.shared}
            gone += [line for line in part.ntriples.splitlines() if line and line not in shared]
        for line in part.shared:
            count = refs.get(line, 0) - 1
            if count > 0:
                refs[line] = count
            else:
                refs.pop(line, None)
                if index:
                    gone.append(line.encode("utf-8"))
        lines += part.lines
        own += part.lines - len(part.shared)
    return lines, own, gone


def _remove_lines(db: pyoxigraph.Store, lines: list[bytes]) -> None:
    from pyoxigraph import DefaultGraph, Quad, RdfFormat, parse

    if lines:
        for triple in parse(b"\n".join(lines) + b"\n", format=RdfFormat.N_TRIPLES):
            db.remove(Quad(triple.subject, triple.predicate, triple.object, DefaultGraph()))


def _add_documents(db: pyoxigraph.Store, feed: _Feed) -> None:
    from pyoxigraph import RdfFormat

    for data in feed:
        db.load(data, format=RdfFormat.N_TRIPLES)


@functools.cache
def scheme_triples() -> int:
    """How many triples the topic scheme (ontology/topics.ttl) adds to the union."""
    from pyoxigraph import RdfFormat, parse

    from ontology import topics_path

    return len({(t.subject, t.predicate, t.object) for t in parse(path=topics_path(), format=RdfFormat.TURTLE)})


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
    sparql: bool | None = None,
) -> int:
    """Write the tables, the SPARQL index when wanted, and meta.json of one generation; return its distinct
    triple count.

    Without ``base`` the generation is written from ``parts``. With ``base`` (a finished generation of this
    layout) it starts as a copy of it (the tables file copied, the SPARQL index a checkpoint: hard links to its
    immutable sorted files), loses the documents ``remove`` (as they were stored) and gains ``parts``: the cost
    is that of the documents that changed, not of the corpus. Either way the base is never written.

    ``sparql``: True gives the generation a SPARQL index, False none, None keeps what the base has (none for a
    first build). A full build bulk-loads the index from the documents as they come; an incremental one patches
    the base's, or (the base had none) loads one from every document's cached N-Triples at the end.
    """
    from pyoxigraph import Store as OxStore

    from kg.tables import FILE as TABLES_FILE
    from kg.tables import TableWriter

    quads_before = own_before = 0
    refs: dict[str, int] = {}
    keys: dict[str, str] = {}
    base_index = False
    if base is not None:
        base_meta = json.loads((base / META).read_text(encoding="utf-8"))
        quads_before = int(base_meta.get("quads", 0))
        own_before = int(base_meta.get("own_lines", 0))
        keys = dict(base_meta.get("doc_cache", {}))
        refs = json.loads((base / SHARED).read_text(encoding="utf-8"))
        base_index = (base / SPARQL_DIR).is_dir()
    index = base_index if sparql is None else sparql
    cache = gen.parent / CACHE
    timings: dict[str, float] = {}  # seconds per step, recorded in meta.json (what benchmarks/run.py prints)
    clock = time.perf_counter()

    def step(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(timings.get(name, 0.0) + now - clock, 3)
        clock = now

    tables = TableWriter(gen / TABLES_FILE, base / TABLES_FILE if base is not None else None)
    db = None
    try:
        if index and base is None:
            db = OxStore(str(gen / SPARQL_DIR))
        elif index and base_index:
            assert base is not None
            OxStore.read_only(str(base / SPARQL_DIR)).backup(str(gen / SPARQL_DIR))
            db = OxStore(str(gen / SPARQL_DIR))
        feed = _Feed(parts, log, extra is None or "documents" not in extra, refs, cache, keys, tables, db is not None)
        if base is not None:
            lines, own, gone = _forget_documents(remove, refs, keys, tables, cache, db is not None)
            quads_before -= lines
            own_before -= own
            if db is not None:
                _remove_lines(db, gone)
            step("remove")
        if db is None:
            for _ in feed:
                pass
        elif base is None:
            _bulk_load(db, feed, load_threads(jobs))
            _load_vocabularies(db)
        else:
            _add_documents(db, feed)
        step("load")
        tables.finish()
        step("tables")
        if db is not None:
            db.flush()
            if base is None:
                db.optimize()
            step("optimize")
    except BaseException:
        tables.abort()
        raise
    finally:
        del db  # closes RocksDB before any reader opens the generation
    if index and (gen / SPARQL_DIR).is_dir():
        _write_sparql_sums(gen / SPARQL_DIR, gen)
    # Each document's own lines are in no other document; the shared ones are counted once (refs), and the topic
    # scheme adds its own: the union's size, without asking the index (which may not exist).
    triples = log.own + own_before + len(refs) + scheme_triples()
    _write_json(gen / SHARED, refs)
    # what the generation's files were when written, so a later build can tell a damaged one (generation_damage)
    checksums = {name: file_record(gen / name) for name in (TABLES_FILE, SHARED)}
    meta: dict[str, Any] = {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tool": "pingan-kg",
        "version": __version__,
        "layout": LAYOUT,
        "generation": gen.name,
        "documents": log.documents,
        "triples": triples,
        "quads": log.quads + quads_before,
        "own_lines": log.own + own_before,
        "errors": log.errors,
        "timings": timings,
        "checksums": checksums,
        **(extra or {}),
    }
    documents = meta["documents"]
    meta["doc_cache"] = {d["id"]: keys[d["id"]] for d in documents if d["id"] in keys}
    write_meta(gen, meta)
    if index and not (gen / SPARQL_DIR).is_dir():  # wanted, and the base had none to patch
        started = time.perf_counter()
        build_sparql_index(gen)
        meta["timings"]["sparql"] = round(time.perf_counter() - started, 3)
        write_meta(gen, meta)
    return triples


def build_sparql_index(gen: Path) -> None:
    """Load every document of a finished generation from the cache into its SPARQL index (``gen/sparql``).

    Written beside it under a temporary name and renamed when complete, under a lock held by whoever builds it,
    so a reader never opens half an index and two readers never build one twice. Raises StoreError when the
    store cannot be written or a document's cache entry is gone."""
    import shutil

    from pyoxigraph import RdfFormat
    from pyoxigraph import Store as OxStore

    target = gen / SPARQL_DIR
    try:
        with open(gen / SPARQL_LOCK, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            if target.is_dir():
                return
            for leftover in gen.glob(".sparql-*"):  # of a process killed while it built one
                shutil.rmtree(leftover, ignore_errors=True)
            tmp = gen / f".sparql-{os.getpid()}"
            try:
                meta = json.loads((gen / META).read_text(encoding="utf-8"))
                db = OxStore(str(tmp))
                graphs = (data for _, data in cached_graphs(gen.parent / CACHE, meta))
                db.bulk_load(_NQuadsReader(graphs), format=RdfFormat.N_TRIPLES, lenient=True)
                _load_vocabularies(db)
                db.flush()
                db.optimize()
                del db
                _write_sparql_sums(tmp, gen)
                os.replace(tmp, target)
                _fsync_dir(gen)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
    except OSError as exc:
        raise StoreError(f"cannot build the SPARQL index in {gen} ({exc.strerror or exc}); run `kg build --sparql` "
                         "as a user who can write the store") from None


SPARQL_SUMS = "sparql.sums"


def _write_sparql_sums(index: Path, gen: Path) -> None:
    """Record the files of a finished SPARQL index (``index``: where it is now; it is recorded under sparql/)."""
    records = {f"{SPARQL_DIR}/{p.relative_to(index).as_posix()}": file_record(p)
               for p in sorted(index.rglob("*")) if p.is_file()}
    _write_json(gen / SPARQL_SUMS, records)


def sparql_damage(gen: Path) -> str | None:
    """Why a generation's SPARQL index is damaged, or None (also when it has none, or none was recorded)."""
    if not (gen / SPARQL_DIR).is_dir():
        return None
    try:
        records = json.loads((gen / SPARQL_SUMS).read_bytes())
    except FileNotFoundError:
        return None  # made before indexes were recorded
    except (OSError, ValueError):
        records = None
    if not isinstance(records, dict):
        return f"{gen / SPARQL_SUMS} is damaged"
    for name, record in records.items():
        if ".." in name.split("/") or same_record(gen / name, record) is not True:
            return f"{gen / name} is not what was written"
    return None


def generation_damage(store_dir: Path, meta: dict[str, Any]) -> list[str]:
    """What is damaged in the live generation a build starts from (one phrase each; empty when intact), by the
    records made when it was written: sizes and times compared, a file hashed only when they differ."""
    from kg.tables import FILE as TABLES_FILE

    gen = store_dir / str(meta.get("generation"))
    noted = damage_noted(store_dir)
    problems: dict[Path, str] = {}  # one line a file
    records = meta.get("checksums")
    for name in (TABLES_FILE, SHARED):
        record = records.get(name) if isinstance(records, dict) else None
        path = gen / name
        if not path.is_file():
            problems[path] = "is missing"
        elif record is not None and same_record(path, record) is not True:
            problems[path] = "is not what was written"
        elif record is None and not _tables_open(path, name == TABLES_FILE):
            problems[path] = "cannot be read"
        elif f"{gen.name}/{name}" in noted:
            problems[path] = "was found damaged by a question"
    problem = sparql_damage(gen)
    if problem:
        problems[gen / SPARQL_DIR] = problem
    elif f"{gen.name}/{SPARQL_DIR}" in noted:
        problems[gen / SPARQL_DIR] = "was found damaged by a question"
    return [f"{path} {why}" if not why.startswith(str(gen)) else why for path, why in problems.items()]


def _tables_open(path: Path, tables: bool) -> bool:
    """For a generation written before checksums: whether its tables open (or its JSON parses)."""
    import sqlite3

    from kg.tables import StaleTables, Tables

    try:
        if not tables:
            return isinstance(json.loads(path.read_bytes()), dict)
        Tables(path).close()
    except StaleTables:
        return True
    except (OSError, ValueError, sqlite3.Error):
        return False
    return True


def cached_graphs(cache: Path, meta: dict[str, Any],
                  documents: Collection[str] | None = None) -> Iterator[tuple[str, bytes]]:
    """(document id, N-Triples) of each document of a generation (its meta.json), or of those of ``documents``
    (ids), in build order, from the cache; StoreError when a document's entry is gone."""
    keys = meta.get("doc_cache", {})
    for doc in meta.get("documents", []):
        if documents is not None and doc["id"] not in documents:
            continue
        try:
            data = read_cache_entry(cache, keys[doc["id"]])
        except (OSError, KeyError, ValueError):
            raise StoreError(
                f"the triples of document {doc['source']} are gone from {cache} (a newer build removed them): "
                "run `kg build` again") from None
        yield doc["id"], data


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


def write_cache_entry(cache: Path, key: str, summary: dict[str, Any], ntriples: bytes | Iterable[bytes],
                      rows: dict[str, Any] | None = None, sha256: str | None = None) -> None:
    """One document's cache entry: ``<key>.nt``, a comment line with its summary and then its N-Triples (so the
    file stays valid N-Triples), and ``<key>.rows``, JSON of its table rows and shared lines (``rows_entry``).
    The summary records the SHA-256 of the N-Triples and of the rows, so a damaged entry is found when read
    (``read_cache_entry``). Each file is written to a temporary name and renamed, the rows first: a killed build
    never leaves half an entry, an .nt file always has its rows, and a failed write (a full disk) leaves no
    temporary file. ``ntriples`` may come in slices, with ``sha256`` their hash."""
    import hashlib

    suffix = f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
    if isinstance(ntriples, bytes):
        ntriples, sha256 = [ntriples], hashlib.sha256(ntriples).hexdigest()
    summary = {**summary, "sha256": sha256}
    if rows is not None:
        data = json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        summary["rows_sha256"] = hashlib.sha256(data).hexdigest()
        _write_renamed(cache / ("r" + suffix), cache / f"{key}{ROWS_SUFFIX}", [data])
    head = b"# " + json.dumps(summary, ensure_ascii=False).encode("utf-8") + b"\n"
    _write_renamed(cache / suffix, cache / f"{key}.nt", itertools.chain([head], ntriples))


def _write_renamed(tmp: Path, target: Path, chunks: Iterable[bytes]) -> None:
    try:
        with open(tmp, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def cache_summary(cache: Path, key: str) -> dict[str, Any]:
    """The summary line of a cache entry (its manifest row and hashes); OSError when it is gone, StoreDamaged
    when the line is not what a build writes."""
    with open(cache / f"{key}.nt", "rb") as handle:
        first = handle.readline()
    try:
        summary = json.loads(first[2:]) if first.startswith(b"# ") else None
    except ValueError:
        summary = None
    if not isinstance(summary, dict):
        raise _damaged_entry(cache, f"{key}.nt", "its first line is not the entry's summary")
    return summary


def read_cache_entry(cache: Path, key: str) -> bytes:
    """The N-Triples of a cache entry (without its summary line), checked against the hash its summary
    records; OSError when it is gone, StoreDamaged when it is not what was written."""
    import hashlib

    data = (cache / f"{key}.nt").read_bytes()
    end = data.find(b"\n")
    try:
        summary = json.loads(data[2:end]) if data.startswith(b"# ") and end > 0 else None
    except ValueError:
        summary = None
    if not isinstance(summary, dict):
        raise _damaged_entry(cache, f"{key}.nt", "its first line is not the entry's summary")
    body = data[end + 1 :]
    expected = summary.get("sha256")
    if expected is not None and hashlib.sha256(body).hexdigest() != expected:
        raise _damaged_entry(cache, f"{key}.nt", "its triples are cut short or changed")
    return body


def read_rows_entry(cache: Path, key: str) -> dict[str, Any]:
    """The table rows, shared lines and line count of a cache entry (``rows_entry``), checked against the hash
    the entry's summary records; OSError when it is gone, StoreDamaged when it is not what was written."""
    import hashlib

    expected = cache_summary(cache, key).get("rows_sha256")
    data = (cache / f"{key}{ROWS_SUFFIX}").read_bytes()
    if expected is not None and hashlib.sha256(data).hexdigest() != expected:
        raise _damaged_entry(cache, f"{key}{ROWS_SUFFIX}", "its rows are cut short or changed")
    try:
        rows = json.loads(data)
    except ValueError:
        rows = None
    if not (isinstance(rows, dict) and {"tables", "shared", "lines"} <= rows.keys()):
        raise _damaged_entry(cache, f"{key}{ROWS_SUFFIX}", "it is not a document's rows")
    return rows


def _damaged_entry(cache: Path, name: str, why: str) -> StoreDamaged:
    note_damage(cache.parent, f"{CACHE}/{name}")
    return StoreDamaged(f"{cache / name} is damaged ({why}): run `kg build` on the same documents to repair it")


def cache_entry_intact(cache: Path, key: str) -> bool:
    """Whether both files of a cache entry are there and hash to what its summary records (reads them whole)."""
    try:
        read_rows_entry(cache, key)
        read_cache_entry(cache, key)
    except (OSError, StoreDamaged):
        return False
    return True


def _prune_cache(store_dir: Path, generations: set[str]) -> None:
    # Entries of the kept generations stay (the previous one's for readers that still have it open, and the
    # files a build read but skipped, so the next build need not read them again); older ones go, and so do
    # temporary files of a killed build. Runs under the build lock.
    keep: set[str] = set()
    for name in generations:
        try:
            meta = json.loads((store_dir / name / META).read_text(encoding="utf-8"))
            keep.update(meta.get("doc_cache", {}).values())
            keep.update(row["key"] for row in meta.get("files") or [] if "key" in row)
        except (OSError, ValueError, AttributeError, TypeError):
            continue
    prune_cache(store_dir / CACHE, keep)


def _prepare(path: str | os.PathLike[str]) -> Path:
    store_dir = Path(path)
    claim(store_dir)  # a folder that is not a store is refused before anything is written into it
    return store_dir


@contextlib.contextmanager
def locked(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Hold the store's build lock (StoreBusy when another build has it); yields the store folder."""
    store_dir = _prepare(path)
    with _exclusive_lock(store_dir):
        try:
            yield store_dir
        except BaseException:
            # A failed build (a full disk, Ctrl-C) leaves no temporary file: its workers were stopped mid-write.
            remove_temporary_files(store_dir / CACHE)
            raise


def live_meta(store_dir: Path) -> dict[str, Any] | None:
    """meta.json of the live generation, or None when there is none (or it, or CURRENT, is unreadable)."""
    try:
        generation = _live_generation(store_dir)
    except StoreError:
        return None
    if generation is None:
        return None
    try:
        meta = json.loads((store_dir / generation / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) and meta.get("generation", generation) == generation else None


def commit_generation(
    store_dir: Path,
    parts: Iterable[DocumentPart],
    errors: Iterable[str] = (),
    *,
    incremental: bool = False,
    remove: Iterable[DocumentPart] = (),
    extra: dict[str, Any] | None = None,
    jobs: int | None = None,
    sparql: bool | None = None,
) -> BuildSummary:
    """Write a new generation and make it live; the caller holds the lock (``locked``).

    ``incremental`` starts from the live generation (see ``_write_generation``), which must be of this
    ``LAYOUT``, and takes out the documents ``remove`` (their parts as the live generation stored them);
    ``extra`` keys go into meta.json, and an ``extra["documents"]`` list replaces the one made from ``parts``.
    Each document's N-Triples and rows are kept in the store's cache/ (parts without a key are written there).
    ``jobs`` caps the CPUs a full load uses (see ``load_threads``). ``sparql``: give the generation a SPARQL
    index (True), none (False), or what the live generation has (None; none for a first build).
    """
    import shutil

    try:
        previous = _live_generation(store_dir)
    except StoreDamaged:  # the build that repairs CURRENT: nothing live to keep or start from
        previous = None
    if previous is not None and not (store_dir / previous).is_dir():
        previous = None
    if sparql is None:
        sparql = previous is not None and (store_dir / previous / SPARQL_DIR).is_dir()
    (store_dir / CACHE).mkdir(exist_ok=True)
    gen = _new_generation_dir(store_dir)
    # A list is used as is: a parts generator may still append conversion errors to it.
    log = _BuildLog(errors=errors if isinstance(errors, list) else list(errors))
    base = store_dir / previous if incremental and previous else None
    try:
        triples = _write_generation(gen, parts, log, base, remove, extra, jobs, sparql)
    except BaseException:
        # Never live, so nobody reads it; a killed process leaves it for the next build.
        shutil.rmtree(gen, ignore_errors=True)
        raise
    _switch_current(store_dir, gen.name)
    kept = {gen.name} | ({previous} if previous else set())
    # a generation a reader still holds stays too, and so do its documents' cache entries
    _prune_cache(store_dir, _remove_stale_generations(store_dir, keep=kept))
    documents = extra["documents"] if extra and "documents" in extra else log.documents
    return BuildSummary(store_dir, gen.name, len(documents), triples, log.quads, log.errors)


def build_store(
    path: str | os.PathLike[str],
    documents: Iterable[Document],
    errors: Iterable[str] = (),
    sparql: bool | None = None,
) -> BuildSummary:
    """Write ``documents`` as a new generation of the store at ``path`` and make it live.

    ``errors`` are problems met before this call (files the loaders could not read); they
    are recorded in meta.json with the documents this build had to skip. ``sparql`` as for
    ``commit_generation``. Raises StoreBusy when another build holds the store.
    """
    with locked(path) as store_dir:
        log = _BuildLog(errors=list(errors))
        # The conversion errors are appended to the same list the generation records.
        return commit_generation(store_dir, document_parts(documents, log.errors), log.errors, sparql=sparql)


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
    import hashlib

    text = sparql + "\0" + repr(sorted((k, type(v).__name__, v) for k, v in bindings.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class Store:
    """A read-only view of the live generation. Use as a context manager or call close().

    Its questions (``queries``) read the generation's tables (``tables``); ``select`` runs SPARQL on its SPARQL
    index, which a generation built without one gets the first time it is asked (``build_sparql_index``)."""

    def __init__(self, path: Path, generation: str, db: pyoxigraph.Store | None = None,
                 pin: int | None = None) -> None:
        self.path = path
        self.generation = generation
        self._pin = pin  # the descriptor whose shared lock holds the generation (kg.store_files.pin_generation)
        self._db: pyoxigraph.Store | None = db
        self._meta: dict[str, Any] | None = None
        self._tables: Tables | None = None
        # the schema version of tables another version of pingan-kg wrote (None: none seen), see ``tables``
        self.stale_tables: str | None = None
        self._closed = False
        # Tests (and anyone comparing) may send every question to the SPARQL files instead of the tables.
        self.prefer_sparql = False

    @property
    def _gen(self) -> Path:
        return self.path / self.generation

    @property
    def layout(self) -> int:
        """3 when the generation has tables (the layout this version writes); older ones have none."""
        from kg.tables import FILE

        return LAYOUT if (self._gen / FILE).is_file() else 2

    @property
    def tables(self) -> Tables | None:
        """The generation's question tables (kg.tables), or None for a generation of an older layout, or one
        whose tables another version of pingan-kg wrote (their schema then in ``stale_tables``): the questions
        are answered from SPARQL, on the triples every generation holds, until a build writes the tables again."""
        if self._closed:
            raise StoreError(f"the store at {self.path} is closed")
        if self._tables is None and self.stale_tables is None and self.layout >= LAYOUT:
            from kg.tables import FILE, StaleTables, Tables

            try:
                self._tables = Tables(self._gen / FILE)
            except StaleTables as exc:
                self.stale_tables = exc.schema
        return self._tables

    @property
    def has_sparql_index(self) -> bool:
        """Whether ``select`` can answer without first building the SPARQL index."""
        return self._db is not None or self.layout < LAYOUT or (self._gen / SPARQL_DIR).is_dir()

    def sparql_index(self) -> pyoxigraph.Store:
        """The SPARQL index (an Oxigraph database, read-only), built first if this generation has none yet: for
        100k measures that takes about as long as a build (docs/scale.md); ``kg build --sparql`` builds it with
        the generation instead."""
        if self._closed:
            raise StoreError(f"the store at {self.path} is closed")
        if self._db is None:
            from pyoxigraph import Store as OxStore

            path = self.sparql_index_path()
            try:
                self._db = OxStore.read_only(str(path))
            except OSError as exc:
                raise self._damaged_index(f"{path} cannot be opened ({exc})") from None
        return self._db

    def sparql_index_path(self) -> Path:
        """The folder of the SPARQL index (what ``kg sparql``'s query process opens), built first if this
        generation has none yet; StoreDamaged when its files are not as they were written."""
        if self._closed:
            raise StoreError(f"the store at {self.path} is closed")
        if self.layout < LAYOUT:  # the union in the generation folder itself
            return self._gen
        if not (self._gen / SPARQL_DIR).is_dir():
            build_sparql_index(self._gen)
        problem = sparql_damage(self._gen)
        if problem is not None:
            raise self._damaged_index(problem)
        return self._gen / SPARQL_DIR

    def _damaged_index(self, problem: str) -> StoreDamaged:
        note_damage(self.path, f"{self.generation}/{SPARQL_DIR}")
        return StoreDamaged(f"the SPARQL index is damaged: {problem}; run `kg build --sparql` on the same documents "
                            "to rebuild it")

    @property
    def _store(self) -> pyoxigraph.Store:
        return self.sparql_index()

    @property
    def meta(self) -> dict[str, Any]:
        """The generation's meta.json: built_at, version, documents, triples, errors."""
        if self._meta is None:
            path = self.path / self.generation / META
            try:
                meta = json.loads(path.read_bytes())
            except FileNotFoundError:
                raise StoreMissing(f"no graph at {self.path}: {path} is gone; run `kg build` again") from None
            except (OSError, ValueError):
                meta = None
            if not isinstance(meta, dict) or not isinstance(meta.get("documents", []), list):
                note_damage(self.path, f"{self.generation}/{META}")
                raise StoreDamaged(f"{path} is damaged: run `kg build` on the same documents to repair it")
            self._meta = meta
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

    def triples(self, documents: Collection[str] | None = None,
                predicates: Collection[str] | None = None) -> Iterator[Any]:
        """Every triple of the union (the default graph) as pyoxigraph quads, streamed: from the SPARQL index when
        the generation has one, else parsed document by document from their cached graphs (without building the
        index, and holding one document at a time). With ``documents`` (ids), the union of those documents'
        graphs and the topic scheme only, read from the cache (kg view of one place or agency). With
        ``predicates`` (IRIs), only the triples of those predicates: the others are not parsed (kg view --overlap
        needs a fifth of the lines)."""
        from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, parse

        if self.has_sparql_index and documents is None:
            if predicates is None:
                return self._store.quads_for_pattern(None, None, None, DefaultGraph())
            return (q for p in sorted(predicates)
                    for q in self._store.quads_for_pattern(None, NamedNode(p), None, DefaultGraph()))
        return (q for chunk in self.union_chunks(documents, predicates)
                for q in parse(chunk, format=RdfFormat.N_TRIPLES))

    def union_ntriples(self) -> bytes:
        """The union as N-Triples: every document's graph, a line another document also states written once, and
        the topic scheme."""
        from pyoxigraph import DefaultGraph, RdfFormat

        if self.has_sparql_index:
            return self._store.dump(format=RdfFormat.N_TRIPLES, from_graph=DefaultGraph())
        return b"".join(self.union_chunks())

    def union_chunks(self, documents: Collection[str] | None = None,
                     predicates: Collection[str] | None = None) -> Iterator[bytes]:
        """The union as N-Triples, one document at a time (then the topic scheme): each line once, from the cache,
        whether or not there is a SPARQL index (``union_ntriples`` takes the index's when there is one). With
        ``documents`` (ids), only those documents' graphs are read; with ``predicates`` (IRIs), only the lines
        of those predicates are kept."""
        from pyoxigraph import RdfFormat, parse, serialize

        from ontology import topics_path

        # an N-Triples line is "subject predicate object ." with single spaces, as the writer and Oxigraph write it
        only = None if predicates is None else re.compile(
            rb"^\S+ (?:" + b"|".join(re.escape(f"<{p}>".encode()) for p in sorted(predicates)) + rb") .*$", re.M)
        seen: set[bytes] = set()
        for doc_id, data in self._document_graphs_by_id(documents):
            shared = shared_lines_of(doc_id, data)
            if only is not None:
                data = b"\n".join(only.findall(data))
            kept = (line for line in data.splitlines() if line and not (line in shared and line in seen))
            yield b"\n".join(kept) + b"\n"
            seen |= shared
        scheme = serialize(parse(path=topics_path(), format=RdfFormat.TURTLE), format=RdfFormat.N_TRIPLES)
        yield scheme if only is None else b"\n".join(only.findall(scheme)) + b"\n"

    def document_graphs(self) -> Iterator[tuple[str, bytes]]:
        """Each document's triples as stored: (graph IRI, N-Triples), in build order. The union in the store is
        their merge; each document's own graph is kept in the store's cache/ (see ``LAYOUT``)."""
        for doc_id, data in self._document_graphs_by_id():
            yield doc_graph_iri(doc_id), data

    def _document_graphs_by_id(self, documents: Collection[str] | None = None) -> Iterator[tuple[str, bytes]]:
        meta = self.meta
        keys = meta.get("doc_cache")
        if keys is None:  # layout 1: the document graphs are named graphs of the database
            from pyoxigraph import NamedNode, RdfFormat

            for doc in meta.get("documents", []):
                if documents is None or doc["id"] in documents:
                    graph = doc_graph_iri(doc["id"])
                    yield doc["id"], self._store.dump(format=RdfFormat.N_TRIPLES, from_graph=NamedNode(graph))
            return
        yield from cached_graphs(self.path / CACHE, meta, documents)

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

        graph = rdflib.Graph()
        graph.parse(data=self.union_ntriples(), format="nt")
        return graph

    def close(self) -> None:
        # pyoxigraph has no close(); dropping the last reference closes RocksDB.
        self._db = None
        if self._tables is not None:
            self._tables.close()
            self._tables = None
        if self._pin is not None:
            with contextlib.suppress(OSError):
                os.close(self._pin)
            self._pin = None
        self._closed = True

    def __del__(self) -> None:
        if getattr(self, "_pin", None) is not None:
            with contextlib.suppress(OSError):
                os.close(self._pin)

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
    """Open the live generation read-only and hold it until the store is closed (a build never removes a
    generation a reader holds). Raises StoreMissing when nothing was built, StoreDamaged when CURRENT, meta.json
    or the tables are not what a build wrote (the message names the file and what repairs it).

    Only its tables are opened (pyoxigraph is not even imported): the SPARQL index is opened when first needed."""
    import sqlite3

    from kg.tables import FILE

    store_dir = Path(path)
    # Two builds can finish between reading CURRENT and opening the generation it names
    # (the second removes it); reading CURRENT again then finds the newer one.
    for _attempt in range(5):
        generation = _live_generation(store_dir)
        if generation is None:
            raise StoreMissing(f"no graph at {store_dir}: run `kg build PATH` first")
        gen_dir = store_dir / generation
        try:
            pin = pin_generation(gen_dir)
        except FileNotFoundError:
            time.sleep(0.05)
            continue
        except OSError as exc:
            raise StoreError(f"cannot read {gen_dir}: {exc.strerror or exc}") from None
        store = Store(store_dir, generation, pin=pin)
        try:
            store.meta  # noqa: B018 - read now: a damaged meta.json is one line here, not a traceback later
            if (gen_dir / FILE).is_file():
                # Opened now: a build that removes the generation later leaves an open file readable.
                if store.tables is not None or store.stale_tables is not None:
                    return store
            from pyoxigraph import Store as OxStore

            store._db = OxStore.read_only(str(gen_dir))
            return store
        except StoreError:
            store.close()
            raise
        except (OSError, sqlite3.Error) as exc:
            store.close()
            raise StoreDamaged(f"{gen_dir} cannot be read ({exc}): run `kg build` on the same documents to "
                               "repair it") from None
    raise StoreMissing(f"no graph at {store_dir}: CURRENT names a generation that is gone; run `kg build` again")
