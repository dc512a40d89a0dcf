"""Topics of a measure: which work domains (禁毒, 校园安全 …) its text is about.

The concepts and their labels are the SKOS scheme ``ontology/topics.ttl``; the keywords that
point at them are ``loaders/data/topics.tsv`` (slug, keyword, weight), which a user can extend
without touching code. Nothing here imports rdflib at module import: only ``topic_labels``
needs it, and it parses the scheme once, on first call.

>>> find_topics("保持对毒品犯罪打击的高压态势，深化吸毒人员排查管控工作")
['drug-control']
>>> find_topics("今天天气很好")
[]
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from pathlib import Path

__all__ = [
    "MIN_SCORE",
    "RELATIVE_SCORE",
    "find_topics",
    "load_topic_keywords",
    "score_topics",
    "topic_labels",
]

# A topic is kept when its score reaches MIN_SCORE (one strong keyword, or a few weak ones) and
# at least RELATIVE_SCORE of the best topic's score. The second rule is what stops a measure about
# 禁毒 from also getting every topic that shares a word with it (社区, 排查, 管控).
MIN_SCORE = 3.0
RELATIVE_SCORE = 0.3

Keywords = Mapping[str, list[tuple[str, float]]]

_WHITESPACE = re.compile(r"\s+")


def load_topic_keywords(path: str | Path | None = None) -> dict[str, list[tuple[str, float]]]:
    """Read a keyword table (``slug<TAB>keyword<TAB>weight``); the shipped one when ``path`` is None.

    Lines starting with ``#`` and the header line are skipped. A missing weight counts 1.
    """
    if path is None:
        text = files("loaders").joinpath("data/topics.tsv").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    table: dict[str, list[tuple[str, float]]] = {}
    rows = csv.reader((line for line in text.splitlines() if line.strip() and not line.startswith("#")), delimiter="\t")
    for lineno, row in enumerate(rows, 1):
        if lineno == 1 and row[:2] == ["slug", "keyword"]:
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise ValueError(f"topic keywords: row {lineno} needs slug<TAB>keyword[<TAB>weight]: {row!r}")
        slug, keyword = row[0].strip(), _WHITESPACE.sub("", row[1])
        weight = float(row[2]) if len(row) > 2 and row[2].strip() else 1.0
        table.setdefault(slug, []).append((keyword, weight))
    return table


@cache
def _shipped_keywords() -> dict[str, list[tuple[str, float]]]:
    return load_topic_keywords()


def _freeze(table: Keywords) -> tuple[tuple[str, tuple[tuple[str, float], ...]], ...]:
    if table is _shipped_keywords():
        return _shipped_frozen()
    return tuple((slug, tuple(pairs)) for slug, pairs in table.items())


@cache
def _shipped_frozen() -> tuple[tuple[str, tuple[tuple[str, float], ...]], ...]:
    return tuple((slug, tuple(pairs)) for slug, pairs in _shipped_keywords().items())


@cache
def _matcher(table_items: tuple[tuple[str, tuple[tuple[str, float], ...]], ...]) -> tuple[re.Pattern[str], dict]:
    """One regex that finds every keyword start in a single pass, and for each matched keyword the
    (slug, weight) pairs it scores — including shorter keywords that are its prefixes (网格 in 网格化),
    which a longest-first alternation would otherwise hide. One pass instead of one ``count`` per
    keyword keeps tagging cheap at 100k measures.

    The regex has one branch per first character, ``X(?=(rest|…))``, each with its own group: a branch
    of literals lets the regex engine skip straight to the characters a keyword can start with, and the
    lookahead still finds keywords that overlap. At each position the longest keyword wins, as in one
    longest-first alternation. ``credit`` maps (group number, rest) to the pairs."""
    weights: dict[str, list[tuple[str, float]]] = {}
    for slug, pairs in table_items:
        for keyword, weight in pairs:
            if keyword:
                weights.setdefault(keyword, []).append((slug, weight))
    keywords = sorted(weights, key=lambda k: (-len(k), k))
    if not keywords:
        return re.compile("(?!)"), {}
    by_first: dict[str, list[str]] = {}
    for keyword in keywords:  # longest first within each branch too
        by_first.setdefault(keyword[0], []).append(keyword)
    branches = []
    credit: dict[tuple[int, str], list[tuple[str, float]]] = {}
    for group, (first, words) in enumerate(by_first.items(), start=1):
        branches.append(re.escape(first) + "(?=(" + "|".join(re.escape(w[1:]) for w in words) + "))")
        for k in words:
            credit[(group, k[1:])] = [pair for other in keywords if k.startswith(other) for pair in weights[other]]
    return re.compile("|".join(branches)), credit


@cache
def _shipped_matcher() -> tuple[re.Pattern[str], dict]:
    return _matcher(_shipped_frozen())


def score_topics(text: str, keywords: Keywords | None = None) -> dict[str, float]:
    """Every topic with a keyword in ``text``, and its score (sum of occurrences × weight)."""
    if keywords is None or keywords is _shipped_keywords():
        pattern, credit = _shipped_matcher()  # no hashing of the whole table on every call
    else:
        pattern, credit = _matcher(_freeze(keywords))
    # PDF extraction breaks lines inside words (毒品\n犯罪), and Chinese has no spaces between
    # words, so matching on the text with all whitespace removed loses nothing.
    flat = _WHITESPACE.sub("", text)
    scores: dict[str, float] = {}
    for match in pattern.finditer(flat):
        group = match.lastindex
        for slug, weight in credit[(group, match.group(group))]:
            scores[slug] = scores.get(slug, 0.0) + weight
    return scores


def find_topics(text: str, keywords: Keywords | None = None) -> list[str]:
    """Topic slugs (skos:notation in ``ontology/topics.ttl``) of a measure's text, best first.

    Pass the heading and the body together (``f"{heading}\\n{text}"``): headings name the topic most
    plainly. Ties are broken by slug, so the result is deterministic.
    """
    scores = score_topics(text, keywords)
    if not scores:
        return []
    best = max(scores.values())
    kept = [(slug, s) for slug, s in scores.items() if s >= MIN_SCORE and s >= RELATIVE_SCORE * best]
    return [slug for slug, _ in sorted(kept, key=lambda item: (-item[1], item[0]))]


@cache
def topic_labels() -> dict[str, tuple[str, str]]:
    """slug -> (Chinese prefLabel, English prefLabel) of every concept in ``ontology/topics.ttl``."""
    from rdflib import Graph, Literal, Namespace
    from rdflib.namespace import RDF, SKOS

    pa = Namespace("https://w3id.org/pingan-kg/ns#")
    graph = Graph()
    graph.parse(data=files("ontology").joinpath("topics.ttl").read_text(encoding="utf-8"), format="turtle")
    labels: dict[str, tuple[str, str]] = {}
    for concept in graph.subjects(RDF.type, pa.Topic):
        slug = str(graph.value(concept, SKOS.notation))
        by_lang = {
            label.language: str(label) for label in graph.objects(concept, SKOS.prefLabel) if isinstance(label, Literal)
        }
        labels[slug] = (by_lang.get("zh", slug), by_lang.get("en", slug))
    return dict(sorted(labels.items()))
