"""Options, errors and helpers shared by the `kg` commands. Imports only click."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

DEFAULT_STORE = "kg-store"
ROLES = ("lead", "co", "guide", "implement")


class UserError(click.ClickException):
    """An error the user can fix: printed as one line, exit status 1, no traceback."""


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
