"""The embedded on-disk graph store: one Oxigraph database per build generation.

Layout of a store directory (default ``./kg-store``)::

    .lock                 held (fcntl, exclusive) by the one build writing
    CURRENT               one line: the name of the live generation directory
    gen-<UTC>-<pid>/      an Oxigraph (RocksDB) database, plus meta.json

Each document's triples are in its own named graph (``doc_graph_iri``), as the contract says,
and the default graph holds their union as a *set*. Queries read that default graph instead of
pyoxigraph's ``use_default_graph_as_union``: in pyoxigraph 0.5 the union is a bag, so a triple
repeated in two document graphs (an agency's name, a place) matches twice and inflates every
COUNT and SUM (oxigraph issue #1919, fixed upstream by PR #1920 after 0.5). Materialising the
union costs a second copy on disk and gives SPARQL's RDF-merge semantics.

A build writes a new generation beside the live one and then replaces CURRENT
atomically; that replace is the only commit point. Readers open the generation
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
import io
import json
import os
import shutil
import time
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple

from kg import __version__
from ontology.ns import PREFIXES, XSD, doc_graph_iri

if TYPE_CHECKING:  # only for annotations; the real imports are lazy
    import pyoxigraph
    import rdflib

    from loaders.model import Document

__all__ = [
    "DEFAULT_STORE",
    "IRI",
    "BuildSummary",
    "Store",
    "StoreBusy",
    "StoreError",
    "StoreMissing",
    "build_store",
    "open_store",
]

DEFAULT_STORE = Path("kg-store")
CURRENT = "CURRENT"
LOCK = ".lock"
META = "meta.json"
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
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


@dataclass
class _BuildLog:
    documents: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    quads: int = 0


def _document_quads(documents: Iterable[Document], log: _BuildLog) -> Iterator[bytes]:
    from kg.triples import document_ntriples

    seen: set[str] = set()
    for doc in documents:
        if doc.id in seen:
            log.errors.append(f"{doc.source}: same content as a document already built (id {doc.id}); skipped")
            continue
        try:
            ntriples = document_ntriples(doc)
        except Exception as exc:  # one bad document never stops a build; it is reported
            log.errors.append(f"{doc.source}: cannot convert to RDF: {exc}")
            continue
        seen.add(doc.id)
        graph = f" <{doc_graph_iri(doc.id)}> .\n"
        lines = ntriples.splitlines()
        # Each N-Triples line ends in " ."; insert the graph name before it. The plain line
        # goes to the default graph, which the store keeps as a set: the union for queries.
        yield "".join(line[:-2] + graph for line in lines).encode("utf-8")
        yield ntriples.encode("utf-8")
        log.quads += len(lines)
        log.documents.append(
            {
                "id": doc.id,
                "source": doc.source,
                "title": doc.title,
                "kind": doc.kind,
                "measures": len(doc.measures),
            }
        )


def _count(results: Any) -> int:
    return int(next(iter(results))["n"].value)


def _load_vocabularies(db: pyoxigraph.Store) -> None:
    """The topic scheme goes into every store (its own named graph and the default graph), so
    questions by topic can use its labels and its broader/narrower links."""
    from pyoxigraph import DefaultGraph, NamedNode, RdfFormat

    from ontology import topics_path
    from ontology.ns import TOPIC_SCHEME_GRAPH

    data = topics_path().read_bytes()
    for graph in (NamedNode(TOPIC_SCHEME_GRAPH), DefaultGraph()):
        db.load(data, format=RdfFormat.TURTLE, to_graph=graph)


def _write_generation(gen: Path, documents: Iterable[Document], log: _BuildLog) -> int:
    """Write the database and meta.json of one generation; return its distinct triple count."""
    from pyoxigraph import RdfFormat
    from pyoxigraph import Store as OxStore

    db = OxStore(str(gen))
    try:
        db.bulk_load(_NQuadsReader(_document_quads(documents, log)), format=RdfFormat.N_QUADS)
        _load_vocabularies(db)
        db.flush()
        db.optimize()
        triples = _count(db.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    finally:
        del db  # closes RocksDB before any reader opens the generation
    meta = {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tool": "pingan-kg",
        "version": __version__,
        "generation": gen.name,
        "documents": log.documents,
        "triples": triples,
        "quads": log.quads,
        "errors": log.errors,
    }
    with open(gen / META, "w", encoding="utf-8") as handle:
        json.dump(meta, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    return triples


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
    store_dir = Path(path)
    if store_dir.exists() and not store_dir.is_dir():
        raise StoreError(f"{store_dir} is a file, not a store folder")
    store_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive_lock(store_dir):
        previous = _live_generation(store_dir)
        gen = _new_generation_dir(store_dir)
        log = _BuildLog(errors=list(errors))
        try:
            triples = _write_generation(gen, documents, log)
        except BaseException:
            # Never live, so nobody reads it; a killed process leaves it for the next build.
            shutil.rmtree(gen, ignore_errors=True)
            raise
        _switch_current(store_dir, gen.name)
        _remove_stale_generations(store_dir, keep={gen.name} | ({previous} if previous else set()))
    return BuildSummary(store_dir, gen.name, len(log.documents), triples, log.quads, log.errors)


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
    from pyoxigraph import BlankNode, Literal, NamedNode

    if term is None:
        return None
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, BlankNode):
        return "_:" + term.value
    if isinstance(term, Literal):
        datatype = term.datatype.value
        try:
            if datatype in _INT_TYPES:
                return int(term.value)
            if datatype in _FLOAT_TYPES:
                return float(term.value)
        except ValueError:  # an ill-typed literal ("abc"^^xsd:integer) stays a string
            return term.value
        if datatype == XSD + "boolean":
            return term.value in ("true", "1")
        return term.value
    return str(term)  # quoted triples (RDF-star) have no plain Python form


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
        from pyoxigraph import QuerySolutions, Variable

        substitutions = {Variable(name): _to_term(value) for name, value in (bindings or {}).items()}
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
        return [{name: _to_python(solution[name]) for name in names} for solution in results]

    def triples(self) -> Iterator[Any]:
        """Every triple of the union (the default graph) as pyoxigraph quads, streamed."""
        from pyoxigraph import DefaultGraph

        return self._store.quads_for_pattern(None, None, None, DefaultGraph())

    def dump_nquads(self) -> bytes:
        """The document graphs as N-Quads (without the default graph, which repeats them)."""
        from pyoxigraph import DefaultGraph, RdfFormat, serialize

        quads = (q for q in self._store if not isinstance(q.graph_name, DefaultGraph))
        return serialize(quads, format=RdfFormat.N_QUADS)

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
