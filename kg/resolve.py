"""Turn a name a user typed (市公安局, 呼和浩特市公安局, 呼和浩特) into the graph's agencies and places.

An agency is known by its canonical name (呼和浩特市公安局) and by every form a document wrote it in
(市公安局). The same written form can name agencies of different places; then all of them match and the
caller says so. A name nobody wrote gets the closest known names, never a guess.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import queries

if TYPE_CHECKING:
    from kg.store import Store


class NotFound(Exception):
    """A typed name that matches nothing in the store; the message names the closest known names."""


@dataclass
class Agency:
    """An agency of the graph. Its places are those of the documents that name it: one as a rule (呼和浩特市公安局),
    none when no such document states a place, several when plans of different places write one name (公安机关)."""

    iri: str
    name: str
    places: dict[str, str] = field(default_factory=dict)  # place IRI → its name
    collective: bool = False
    written: set[str] = field(default_factory=set)

    @property
    def jurisdiction(self) -> str:
        """The place names joined by 、 ("" for none)."""
        return "、".join(sorted(self.places.values()))

    @property
    def place(self) -> str | None:
        """The place IRI when the agency has exactly one."""
        return next(iter(self.places)) if len(self.places) == 1 else None

    @property
    def label(self) -> str:
        return f"{self.name}（{self.jurisdiction}）" if self.places else self.name


@dataclass
class Place:
    iri: str
    name: str
    written: set[str] = field(default_factory=set)


def fold(text: str) -> str:
    """Compare names after NFKC (full-width brackets and digits to half-width) and without whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _closest(typed: str, names: list[str], limit: int = 5) -> list[str]:
    key = fold(typed)
    containing = [n for n in names if key and (key in fold(n) or fold(n) in key)]
    import difflib

    similar = difflib.get_close_matches(key, names, n=limit, cutoff=0.3)
    out: list[str] = []
    for n in containing + similar:
        if n not in out:
            out.append(n)
    return out[:limit]


def _not_found(kind: str, typed: str, names: list[str]) -> NotFound:
    close = _closest(typed, names)
    hint = f"closest known: {'、'.join(close)}" if close else "the store has no similar name"
    return NotFound(f"no {kind} named {typed!r} in the store; {hint}")


def all_places(store: Store) -> list[Place]:
    places: dict[str, Place] = {}
    for row in queries.jurisdiction_index(store):
        p = places.setdefault(row["place"], Place(row["place"], row["name"], {row["name"]}))
        if row.get("alt"):
            p.written.add(row["alt"])
    return list(places.values())


def all_agencies(store: Store) -> list[Agency]:
    found: dict[str, Agency] = {}
    for row in queries.agency_index(store):
        a = found.get(row["agency"])
        if a is None:
            a = found[row["agency"]] = Agency(row["agency"], row["name"], {}, bool(row.get("collective")),
                                              {row["name"]})
        if row.get("place"):
            a.places[row["place"]] = row["jurisdiction"]
        if row.get("alt"):
            a.written.add(row["alt"])
    return list(found.values())


def resolve_place(store: Store, typed: str) -> Place:
    places = all_places(store)
    key = fold(typed)
    hits = [p for p in places if key in {fold(w) for w in p.written}]
    if not hits:
        raise _not_found("jurisdiction", typed, sorted({w for p in places for w in p.written}))
    return hits[0]


def resolve_agency(store: Store, typed: str, place: Place | None = None) -> list[Agency]:
    """Every agency whose canonical or written name is ``typed`` (in ``place`` when given)."""
    agencies = all_agencies(store)
    if place is not None:
        agencies = [a for a in agencies if place.iri in a.places]
    key = fold(typed)
    hits = [a for a in agencies if key in {fold(w) for w in a.written}]
    if not hits:
        kind = f"agency in {place.name}" if place else "agency"
        raise _not_found(kind, typed, sorted({w for a in agencies for w in a.written}))
    return sorted(hits, key=lambda a: (a.jurisdiction, a.name))


def describe_matches(typed: str, hits: list[Agency]) -> str | None:
    """The note a user sees when one typed name stands for agencies of several places."""
    if len(hits) < 2:
        return None
    return (f"{typed} matches {len(hits)} agencies: {'、'.join(a.label for a in hits)}; "
            "add --jurisdiction to pick one")


@dataclass
class Topic:
    iri: str
    notation: str
    zh: str
    en: str
    written: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        return self.zh or self.notation


def all_topics(store: Store) -> list[Topic]:
    found: dict[str, Topic] = {}
    for row in queries.topic_index(store):
        t = found.setdefault(row["topic"], Topic(row["topic"], row["notation"], row.get("zh") or "",
                                                  row.get("en") or ""))
        t.written.add(row["label"])
    return list(found.values())


def resolve_topic(store: Store, typed: str) -> Topic:
    """A topic by its Chinese or English label, a synonym, or its notation (禁毒, drug control, drug-control)."""
    topics = all_topics(store)
    key = fold(typed).lower()
    hits = [t for t in topics if key in {fold(w).lower() for w in t.written}]
    if not hits:
        raise _not_found("topic", typed, sorted({t.label for t in topics}))
    return hits[0]
