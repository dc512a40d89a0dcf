"""Options, errors and helpers shared by the `kg` commands. Imports only click."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TextIO

import click

from kg.neutralise import terminal_text

DEFAULT_STORE = "kg-store"
ROLES = ("lead", "co", "guide", "implement")


class UserError(click.ClickException):
    """An error the user can fix: printed as one line, exit status 1, no traceback. A file name or a document's
    words in it cannot break the line or reach the terminal as control characters (kg.neutralise)."""

    def format_message(self) -> str:
        return terminal_text(self.message)


def store_option(f: Callable) -> Callable:
    return click.option(
        "--store", "store_path", envvar="KG_STORE", default=DEFAULT_STORE, show_default=True,
        type=click.Path(file_okay=False), help="Store folder (or set KG_STORE).",
    )(f)


def format_option(f: Callable) -> Callable:
    return click.option(
        "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
        help="table: aligned for Chinese; json; csv: UTF-8 with BOM, opens in Excel.",
    )(f)


def jurisdiction_option(f: Callable) -> Callable:
    return click.option(
        "--jurisdiction", "-j", metavar="PLACE", help="Only this place (呼和浩特市, 呼和浩特, 聊城市 …).",
    )(f)


def open_store_or_fail(store_path: str) -> Any:
    from kg.store import StoreMissing, open_store

    try:
        store = open_store(store_path)
    except StoreMissing as exc:
        raise UserError(str(exc)) from None
    if store.stale_tables is not None:
        from kg.tables import SCHEMA_VERSION

        # the SPARQL index is made at the first question when the build did not make it: as long as a build
        first = "" if store.has_sparql_index else " (indexing them first, once: about as long as a build)"
        click.echo(f"warning: {store_path} was built by another version of pingan-kg (its tables have schema "
                   f"{store.stale_tables}, this version reads {SCHEMA_VERSION}): answering from its triples{first}, "
                   "slowly; `kg build` on the same documents writes the tables again", err=True)
    return store


def resolve_or_fail(fn: Callable, *args: Any) -> Any:
    from kg.resolve import NotFound

    try:
        return fn(*args)
    except NotFound as exc:
        raise UserError(str(exc)) from None


def place_or_none(store: Any, jurisdiction: str | None) -> Any:
    """The jurisdiction a user typed, or None; an unknown place is a one-line error."""
    from kg.resolve import resolve_place

    return resolve_or_fail(resolve_place, store, jurisdiction) if jurisdiction else None


class ProgressLine:
    """One line on a terminal that says how far a long build has read, rewritten in place (at most five times a
    second) and erased at the end: ``progress(done, total)`` after each file read. For a terminal only: a log or
    a pipe gets none of it."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self.shown = 0  # characters of the line on the terminal now
        self.last = float("-inf")

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if done < total and now - self.last < 0.2:
            return
        self.last = now
        text = f"read {done:,} of {total:,} files" + ("; writing the store..." if done == total else "")
        self._write(text)

    def _write(self, text: str) -> None:
        # ASCII only, so characters are columns; what was longer before is blanked out
        self.stream.write("\r" + text.ljust(self.shown))
        self.stream.flush()
        self.shown = len(text)

    def close(self) -> None:
        """Erase the line (the build's own messages follow on a clean line)."""
        if self.shown:
            self.stream.write("\r" + " " * self.shown + "\r")
            self.stream.flush()
            self.shown = 0


def coverage_summary(entries: list[dict]) -> str:
    """How much of the documents was understood, in a phrase: the median share of a document's text read as
    measures, table rows or statistics, the least understood document, and the measures with no agency."""
    import statistics
    from pathlib import Path

    from kg.neutralise import terminal_text as _terminal_text

    read = [(e["coverage"]["share"], e["source"], e["coverage"]["without_agency"]) for e in entries
            if isinstance(e.get("coverage"), dict)]
    if not read:
        return ""
    least = min(read)
    without = sum(w for _, _, w in read)
    text = f"text understood: median {statistics.median(s for s, _, _ in read):.0%} a document"
    if len(read) > 1:
        text += f" (least: {least[0]:.0%}, {_terminal_text(Path(least[1]).name)})"
    return text + (f", {without} measure(s) with no agency" if without else "")
