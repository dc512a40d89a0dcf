"""A user's SPARQL query, run so that it can neither reach the network nor run away.

pyoxigraph evaluates a query in Rust and does not come back to Python until it is done, so nothing in the
process that started it (a signal handler, a timer thread) can stop it: `kg sparql` of a cross product ran for
six minutes to 18 GB and ignored Ctrl-C. And a SERVICE clause makes it send an HTTP request to any address the
query names. So a query typed by a user is evaluated in a child process, a fresh interpreter running this module
(``python -P -m kg.sparql_limits``), which the parent can kill and on which the kernel enforces the limits:

- time: the parent waits on the child's pipes with a deadline and kills it when the deadline passes (wall
  clock); RLIMIT_CPU a few seconds later is a backstop should the parent be stopped.
- rows: the child streams its answer, one row a line (SPARQL TSV results, N-Triples), into a pipe; the parent
  reads at most ``max_rows`` + 1 rows and then kills it. A child whose reader stops reading blocks on the
  full pipe instead of going on.
- memory: RLIMIT_DATA (heap and private anonymous mappings: what a query's hash tables and sorts allocate;
  unlike RLIMIT_AS it does not count RocksDB's reserved address space, ~0.6 GB before any query, or files
  it maps, so the limit means the same for a store of any size). A failed allocation aborts the child; the
  parent says the query needed more memory.
- network: SERVICE is the only part of a query that makes pyoxigraph 0.5 open a connection (LOAD is an update,
  refused; FROM, FROM NAMED, DESCRIBE, BASE, IRI() and a function call named by an http IRI fetch nothing: tried
  against a local HTTP server). ``service_endpoints`` finds SERVICE in the query's SPARQL algebra (rdflib's
  parser), so the word in a comment, a string or a prefixed name does not count; a query that has one is
  refused unless allowed. And unless allowed, the child runs under a seccomp filter that makes socket() fail,
  so a query that got past that parse (rdflib and Oxigraph read a few things differently) still reaches no one.
- Ctrl-C: the parent, waiting in Python, gets KeyboardInterrupt at once and kills the child; the child dies
  with its parent too (PR_SET_PDEATHSIG).

Why a fresh interpreter rather than fork(): the parent may have started pyoxigraph's threads (RocksDB's when it
opened the index, a bulk load's when it built it), and a forked child inherits locks held by threads that do not
exist in it. The fresh interpreter costs about 50 ms a query (docs/neo4j.md, "SPARQL"). ``-P`` keeps the current folder
out of its import path, so a stray pyoxigraph.py where the user stands is not run.

The store's own questions (``Store.select``: fixed query files, values bound as parameters) do not come here.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.child_processes import die_with_parent
from kg.child_processes import libc as child_libc

if TYPE_CHECKING:  # the rest is imported where it is used: `kg --help` imports this module for its defaults
    import subprocess

__all__ = [
    "DEFAULT_MAX_MEMORY_MB",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_TIMEOUT",
    "Answer",
    "FederatedQuery",
    "Limits",
    "QueryFailed",
    "QueryStopped",
    "QuerySyntaxError",
    "evaluate",
    "refuse_service",
    "service_endpoints",
]

# The slowest of the store's named questions asked through SPARQL took about 11 s at 100k measures (5.5M
# triples, kg/store.py); a minute leaves room for a user's own heavier query and still stops a runaway soon.
DEFAULT_TIMEOUT = 60.0
# A screenful is tens of rows; 10,000 covers any answer a person reads, and --max-rows 0 gives all for a file.
DEFAULT_MAX_ROWS = 10_000
# 4 GB, or half of the machine's memory when that is less (a query must not push the machine into swap).
DEFAULT_MAX_MEMORY_MB = 4096


def default_max_memory_mb() -> int:
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError):
        return DEFAULT_MAX_MEMORY_MB
    return max(256, min(DEFAULT_MAX_MEMORY_MB, physical // 2))


class Limits:
    """The limits of one query; 0 (or None) means no limit. (Plain classes here, not dataclasses: `kg --help`
    imports this module for its defaults, and every millisecond of that import is paid by every command.)"""

    __slots__ = ("allow_service", "max_memory_mb", "max_rows", "timeout")

    def __init__(self, timeout: float | None = DEFAULT_TIMEOUT, max_rows: int | None = DEFAULT_MAX_ROWS,
                 max_memory_mb: int | None = None, allow_service: bool = False) -> None:
        self.timeout = timeout  # seconds, wall clock
        self.max_rows = max_rows  # solutions of a SELECT, triples of a CONSTRUCT/DESCRIBE
        self.max_memory_mb = max_memory_mb  # None: default_max_memory_mb()
        self.allow_service = allow_service  # SERVICE clauses run, and the child may open sockets

    def memory_mb(self) -> int:
        return default_max_memory_mb() if self.max_memory_mb is None else self.max_memory_mb


class Answer:
    """What the child sent: ``kind`` "select" (``body``: SPARQL TSV results, header line first), "graph"
    (N-Triples) or "ask" (``boolean``); ``truncated`` when rows beyond ``max_rows`` were cut off."""

    __slots__ = ("body", "boolean", "kind", "truncated")

    def __init__(self, kind: str, body: bytes, boolean: bool | None = None, truncated: bool = False) -> None:
        self.kind, self.body, self.boolean, self.truncated = kind, body, boolean, truncated


class FederatedQuery(ValueError):
    """The query would reach another server (SERVICE) and that was not allowed."""


class QuerySyntaxError(ValueError):
    """Not a SPARQL query (an update is one too): pyoxigraph's parser message."""


class QueryStopped(Exception):
    """The query was stopped at a limit (time or memory); the message says which and how to raise it."""


class QueryFailed(Exception):
    """The query failed while it ran (pyoxigraph's message)."""


# --------------------------------------------------------------------------- SERVICE


def _unescaped(text: str) -> str:
    """The text with SPARQL's \\u/\\U code point escapes decoded (SPARQL 1.1 §19.2 lets them stand anywhere)."""
    import codecs
    import re

    return re.sub(r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}", lambda m: codecs.decode(m.group(0), "unicode_escape"),
                  text)


def service_endpoints(text: str) -> list[str]:
    """The endpoints (IRIs, or ``?var``) of the SERVICE clauses of a query, anywhere in its algebra (inside
    OPTIONAL, MINUS, sub-selects, FILTER EXISTS …), from rdflib's parse: the word SERVICE in a comment, a string
    literal, an IRI or a prefixed name is not a clause. Raises FederatedQuery when the query mentions SERVICE but
    rdflib cannot parse it (syntax only Oxigraph reads, such as LATERAL): then whether it has a clause is not
    known. A query that does not hold the letters "service" at all has none, and is not parsed."""
    if "service" not in _unescaped(text).casefold():
        return []
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    from ontology.ns import PREFIXES

    try:
        algebra = translateQuery(parseQuery(text), initNs=PREFIXES).algebra
    except Exception:  # any failure to read it: rdflib's own exceptions are of many kinds
        raise FederatedQuery(
            "kg sparql cannot tell whether this query calls a remote SERVICE (it mentions SERVICE in a form the "
            "checker does not parse); pass --allow-service to run it anyway") from None
    found: list[str] = []
    _collect_services(algebra, found)
    return found


def _collect_services(node: Any, found: list[str]) -> None:
    # the algebra is CompValues (dicts with a name) holding lists, sets and expressions (CompValues too)
    from rdflib.term import Variable

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if getattr(item, "name", None) == "ServiceGraphPattern":
                term = item.get("term")
                found.append(f"?{term}" if isinstance(term, Variable) else str(term))
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)


def refuse_service(text: str, allow: bool) -> None:
    """FederatedQuery unless ``allow`` or the query has no SERVICE clause."""
    if allow:
        return
    endpoints = service_endpoints(text)
    if endpoints:
        names = ", ".join(dict.fromkeys(endpoints))
        raise FederatedQuery(f"kg sparql does not send queries to other servers: this query has SERVICE {names}; "
                             "pass --allow-service to let it")


# --------------------------------------------------------------------------- parent


def evaluate(index: Path | None, text: str, limits: Limits) -> Answer:
    """Run a query in a child process under ``limits`` over the Oxigraph database at ``index`` (read-only), or
    over an empty graph when ``index`` is None (to check a query before an index is built for it).

    Raises QuerySyntaxError, QueryStopped (time, memory), QueryFailed; KeyboardInterrupt stops the child at
    once and is raised again. SERVICE is not checked here (see ``refuse_service``); without
    ``limits.allow_service`` the child cannot open a socket all the same."""
    import json
    import subprocess

    request = {
        "index": None if index is None else str(index),
        "query": text,
        "allow_service": limits.allow_service,
        "max_memory": limits.memory_mb() * 2**20 if limits.memory_mb() else 0,
        "cpu_seconds": int(limits.timeout) + 5 if limits.timeout else 0,
        "parent": os.getpid(),
    }
    child = subprocess.Popen([sys.executable, "-P", "-m", "kg.sparql_limits"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_child_environment())
    try:
        return _read_answer(child, json.dumps(request).encode("utf-8"), limits)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        for pipe in (child.stdin, child.stdout, child.stderr):
            if pipe is not None:
                pipe.close()


def _child_environment() -> dict[str, str]:
    # the child imports kg from where the parent did (a checkout run without installing, too); with -P the
    # current folder is not on its path
    root = str(Path(__file__).resolve().parents[1])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])])
    return env


def _read_answer(child: subprocess.Popen[bytes], request: bytes, limits: Limits) -> Answer:
    import selectors
    import time

    assert child.stdin is not None and child.stdout is not None and child.stderr is not None
    deadline = time.monotonic() + limits.timeout if limits.timeout else None
    try:
        child.stdin.write(request)
        child.stdin.close()
    except BrokenPipeError:  # the child died before reading it: its stderr says why
        pass
    out, err = bytearray(), bytearray()
    lines = 0
    keep: int | None = None  # lines of out to keep when rows were cut off
    with selectors.DefaultSelector() as selector:
        selector.register(child.stdout, selectors.EVENT_READ)
        selector.register(child.stderr, selectors.EVENT_READ)
        while selector.get_map():
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise QueryStopped(f"the query was stopped after {limits.timeout:g} s (--timeout; 0 for no limit)")
            for key, _ in selector.select(remaining):
                chunk = os.read(key.fd, 1 << 16)
                if not chunk:
                    selector.unregister(key.fileobj)
                elif key.fileobj is child.stderr:
                    err = (err + chunk)[-65536:]  # its verdict is the last line
                else:
                    out += chunk
                    lines += chunk.count(b"\n")
                    keep = _rows_cut_at(out, lines, limits.max_rows)
                    if keep is not None:
                        break
            if keep is not None:
                break
    if keep is not None:
        child.kill()
        child.wait()
        kind, _, body = bytes(out[: _end_of_line(out, keep)]).partition(b"\n")
        return Answer(kind.decode(), body, truncated=True)
    status = child.wait()
    if status != 0:
        _raise_failure(status, err.decode("utf-8", "replace"), limits)
    kind, _, body = bytes(out).partition(b"\n")
    if kind == b"ask":
        return Answer("ask", b"", boolean=body.strip() == b"true")
    if kind not in (b"select", b"graph"):
        raise QueryFailed(f"the query process sent nothing usable ({_last_line(err.decode('utf-8', 'replace'))})")
    return Answer(kind.decode(), body)


def _rows_cut_at(out: bytearray, lines: int, max_rows: int | None) -> int | None:
    """How many lines of ``out`` to keep (kind line, header, rows) once it holds more than ``max_rows`` rows,
    else None. A select has a header line (its variables) before its rows; a graph answer has none."""
    if not max_rows or not out.startswith((b"select\n", b"graph\n")):
        return None
    head = 2 if out.startswith(b"select\n") else 1
    return head + max_rows if lines - head > max_rows else None


def _end_of_line(data: bytearray, n: int) -> int:
    """The offset just past the n-th line break of data (rows are separated by line feeds only: a literal's
    line breaks are escaped in TSV and N-Triples, other control characters are not, so no splitlines())."""
    end = 0
    for _ in range(n):
        end = data.index(b"\n", end) + 1
    return end


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def _raise_failure(status: int, err: str, limits: Limits) -> None:
    """The child's own one-line verdict (``kind: message`` on stderr, exit status 2), or what its death says."""
    verdict = next((line for line in reversed(err.splitlines()) if line.startswith(_VERDICTS)), None)
    if status == 2 and verdict is not None:
        kind, _, message = verdict.partition(": ")
        if kind == "syntax":
            raise QuerySyntaxError(message)
        if kind == "memory":
            raise QueryStopped(_memory_message(limits))
        raise QueryFailed(message)
    if status == -signal.SIGXCPU:
        raise QueryStopped(f"the query was stopped: it ran longer than {limits.timeout:g} s (--timeout; 0 for no "
                           "limit)")
    if status == -signal.SIGABRT and "memory allocation" in err:  # Rust aborts when an allocation fails
        raise QueryStopped(_memory_message(limits))
    if status == -signal.SIGKILL:
        raise QueryFailed("the query process was killed (SIGKILL; the system may have run out of memory)")
    raise QueryFailed(f"the query process ended with status {status} ({_last_line(err)})")


def _memory_message(limits: Limits) -> str:
    return (f"the query was stopped: it needed more than {limits.memory_mb():,} MB of memory "
            "(--max-memory MB; 0 for no limit)")


# --------------------------------------------------------------------------- child

_VERDICTS = ("syntax: ", "memory: ", "error: ")


def _child() -> None:
    import json

    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C at the terminal ends it at once, in Rust or not
    request = json.loads(sys.stdin.buffer.read())
    die_with_parent(request["parent"])
    _set_limits(request["max_memory"], request["cpu_seconds"])
    sandboxed = not request["allow_service"] and deny_sockets()
    out = sys.stdout.buffer
    try:
        _answer(request, out)
        out.flush()
        os._exit(0)  # no interpreter teardown: nothing is left to write, and a read-only index needs no closing
    except BrokenPipeError:  # the parent has all the rows it wants
        os._exit(0)
    except MemoryError:
        _verdict("memory", "out of memory")
    except SyntaxError as exc:
        _verdict("syntax", str(exc).splitlines()[0] if str(exc) else "syntax error")
    except Exception as exc:  # pyoxigraph's OSError/RuntimeError/ValueError while evaluating
        message = " ".join(str(exc).split()) or type(exc).__name__
        if sandboxed and "os error 13" in message:  # the index is open: this was a connection, denied
            message = f"the query tried to reach the network ({message}); only --allow-service lets it"
        _verdict("memory" if "memory" in message.lower() and "alloc" in message.lower() else "error", message)


def _answer(request: dict[str, Any], out: Any) -> None:
    from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat, Store

    from ontology.ns import PREFIXES

    try:
        db = Store.read_only(request["index"]) if request["index"] else Store()
    except OSError as exc:
        _verdict("error", f"cannot open the SPARQL index {request['index']}: {exc}")
    results = db.query(request["query"], prefixes=PREFIXES)
    if isinstance(results, QueryBoolean):
        out.write(b"ask\n" + (b"true\n" if results else b"false\n"))
    elif isinstance(results, QuerySolutions):
        out.write(b"select\n")
        results.serialize(out, QueryResultsFormat.TSV)
    else:
        out.write(b"graph\n")
        results.serialize(out, RdfFormat.N_TRIPLES)


def _verdict(kind: str, message: str) -> None:
    sys.stderr.write(f"{kind}: {message}\n")
    sys.stderr.flush()
    os._exit(2)


def _set_limits(max_memory: int, cpu_seconds: int) -> None:
    import resource

    def lower(kind: int, soft: int, hard: int) -> None:
        _, ceiling = resource.getrlimit(kind)  # never above a hard limit the user's session already has
        if ceiling != resource.RLIM_INFINITY:
            soft, hard = min(soft, ceiling), min(hard, ceiling)
        resource.setrlimit(kind, (soft, hard))

    lower(resource.RLIMIT_CORE, 0, 0)  # an aborted query leaves no core file behind
    if max_memory:
        lower(resource.RLIMIT_DATA, max_memory, max_memory)
    if cpu_seconds:
        lower(resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 5)


# seccomp: a classic BPF program over struct seccomp_data {int nr; u32 arch; …} that fails socket() and
# io_uring_setup() (io_uring can open sockets without the socket call) with EACCES and lets every other call
# through; calls of another ABI than the process's own (i386, x32) fail too. Linux, x86_64 and aarch64.
_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
_DENIED_CALLS = {"x86_64": (41, 425), "aarch64": (198, 425)}  # socket, io_uring_setup
_X32_BIT = 0x40000000
_LD_ABS, _JEQ, _JGE, _RET = 0x20, 0x15, 0x35, 0x06
_RET_ALLOW, _RET_ERRNO, _EACCES = 0x7FFF0000, 0x00050000, 13
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2


def deny_sockets() -> bool:
    """Make socket() fail with EACCES in this process and every thread or process it starts from now on.
    False where that cannot be done (not Linux x86_64/aarch64, seccomp unavailable): the SERVICE check of the
    parent then stands alone."""
    import ctypes
    import platform

    machine = platform.machine()
    if not sys.platform.startswith("linux") or machine not in _AUDIT_ARCH:
        return False
    deny = _RET_ERRNO | _EACCES
    program = [(_LD_ABS, 0, 0, 4), (_JEQ, 1, 0, _AUDIT_ARCH[machine]), (_RET, 0, 0, deny), (_LD_ABS, 0, 0, 0)]
    if machine == "x86_64":
        program += [(_JGE, 0, 1, _X32_BIT), (_RET, 0, 0, deny)]
    for call in _DENIED_CALLS[machine]:
        program += [(_JEQ, 0, 1, call), (_RET, 0, 0, deny)]
    program.append((_RET, 0, 0, _RET_ALLOW))

    class SockFilter(ctypes.Structure):
        _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte),
                    ("k", ctypes.c_uint32)]

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(SockFilter))]

    filters = (SockFilter * len(program))(*[SockFilter(*op) for op in program])
    fprog = SockFprog(len(program), filters)
    libc, word = child_libc(), ctypes.c_ulong  # prctl takes unsigned longs: pass whole words, no stray high bits
    if libc.prctl(PR_SET_NO_NEW_PRIVS, word(1), word(0), word(0), word(0)) != 0:
        return False
    return libc.prctl(PR_SET_SECCOMP, word(SECCOMP_MODE_FILTER), ctypes.byref(fprog), word(0), word(0)) == 0


if __name__ == "__main__":
    _child()
