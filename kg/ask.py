"""Understand a question typed in Chinese: which of the graph's questions it asks, and about what.

`understand(question, vocabulary)` is pure: the vocabulary (agency, place and topic names, taken from the graph
by `vocabulary_from_store`) and the cue words in ``kg/ask_cues.tsv`` are all it reads. No model, no network.

How a question is read:

1. fold it: NFKC (full-width → half-width), Traditional → Simplified (OpenCC), lower case, Chinese-digit
   years (二〇二〇年) to digits, punctuation and spaces dropped;
2. spot names, longest first at each position, so 呼和浩特市公安局 wins over 呼和浩特市 and 市公安局;
3. cut the names out and look for cue words in what is left (roles, overlap, negation, deadlines, targets,
   outcomes, comparison, who, measures, and words for things the graph does not hold);
4. pick the one question kind those cues and names fit — or refuse: `NotUnderstood` lists what can be asked,
   `Ambiguous` lists the candidates. A question is never answered with a guess.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

__all__ = [
    "KINDS",
    "Ambiguous",
    "AskRefusal",
    "NotUnderstood",
    "Understanding",
    "Vocabulary",
    "fold_question",
    "load_cues",
    "understand",
    "vocabulary_from_store",
]

# kind → (what it answers, an example question, the command that gives the same rows)
KINDS: dict[str, tuple[str, str, str]] = {
    "measures": ("the measures an agency leads, helps with, guides or implements", "市公安局牵头哪些措施？",
                 "kg measures"),
    "overlap": ("where two agencies meet: measures they share", "呼和浩特市公安局和市司法局在哪些工作上有交叉？",
                "kg overlap"),
    "gaps": ("measures no agency leads", "哪些措施没有牵头单位？", "kg gaps"),
    "targets": ("quantitative targets, optionally due by a year", "2020年前要完成哪些指标？", "kg targets"),
    "outcomes": ("results the reports claim, optionally of one agency and year", "呼市公安局2023年报告了哪些成效？",
                 "kg outcomes"),
    "track": ("who carries a topic: its measures, leads, partners and targets", "禁毒工作由哪些部门负责？",
              "kg track"),
    "compare": ("two places side by side: who leads and helps on each topic",
                "呼和浩特和聊城在校园安全上的分工有什么不同？", "kg compare"),
}

ROLE_WORDS = {"lead": "牵头", "co": "配合", "guide": "指导", "implement": "落实"}


class AskRefusal(Exception):
    """The question is not answered; the message says why and what to ask instead."""


class NotUnderstood(AskRefusal):
    """Outside what the graph can answer (or no question kind fits the words)."""

    def __init__(self, reason: str) -> None:
        kinds = "\n".join(f"  {kind:9} {what}: {example}" for kind, (what, example, _) in KINDS.items())
        super().__init__(f"{reason}\nkg ask answers these kinds of question:\n{kinds}")
        self.reason = reason


class Ambiguous(AskRefusal):
    """A name stands for several things and the answer would depend on which; the user must choose."""

    def __init__(self, reason: str, candidates: list[str]) -> None:
        super().__init__(f"{reason}; which one? {'、'.join(candidates)}\n"
                         "name it in full (e.g. with its place) and ask again")
        self.candidates = candidates


# --------------------------------------------------------------------------- folding

_CN_DIGITS = str.maketrans("〇零○一二三四五六七八九", "00012345678" "9")
_CN_YEAR = re.compile(r"[〇零○一二三四五六七八九]{4}(?=年)")

# Used only when OpenCC is missing: the Traditional characters these questions are likely to hold.
_T2S_FALLBACK = str.maketrans(
    "牽頭負責參與協助協同導實施標項護園區關係務單位機構門縣級會議辦聯網絡詐騙毒戰績報對較異別時間與這個誰麼為鬥劃舉",
    "牵头负责参与协助协同导实施标项护园区关系务单位机构门县级会议办联网络诈骗毒战绩报对较异别时间与这个谁么为斗划举",
)


@cache
def _t2s() -> Any:
    try:
        from opencc import OpenCC
    except ImportError:  # a small table instead: see _T2S_FALLBACK
        return None
    return OpenCC("t2s")


def _simplified(text: str) -> str:
    converter = _t2s()
    return converter.convert(text) if converter else text.translate(_T2S_FALLBACK)


def _key(text: str) -> str:
    """The form names and questions are compared in: NFKC, lower case, no punctuation, symbols or spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PSZC")


def fold_question(question: str) -> str:
    """市公安局牽頭哪些措施？ → 市公安局牵头哪些措施; 二〇二〇年底前 → 2020年底前."""
    text = _simplified(unicodedata.normalize("NFKC", question))
    text = _CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGITS), text)
    return _key(text)


# --------------------------------------------------------------------------- cue words


@cache
def load_cues() -> dict[str, tuple[str, ...]]:
    """category → cue words, longest first (``kg/ask_cues.tsv``)."""
    cues: dict[str, list[str]] = {}
    text = resources.files("kg").joinpath("ask_cues.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        category, word = line.split("\t")[:2]
        cues.setdefault(category.strip(), []).append(fold_question(word))
    return {c: tuple(sorted(set(ws), key=len, reverse=True)) for c, ws in cues.items()}


def _found(category: str, residual: str) -> list[str]:
    return [w for w in load_cues().get(category, ()) if w in residual]


def has_cue(category: str, residual: str) -> bool:
    return bool(_found(category, residual))


def _role(residual: str) -> str | None:
    """The role the question asks about; a longer cue wins (具体承办 over 办)."""
    best: tuple[int, str] | None = None
    for category, words in load_cues().items():
        if category.startswith("role."):
            for w in words:
                if w in residual and (best is None or len(w) > best[0]):
                    best = (len(w), category[5:])
    return best[1] if best else None


# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class Named:
    """One thing a written form can stand for."""

    kind: str  # agency | place | topic
    name: str  # agency or place canonical name, topic label
    place: str = ""  # an agency's jurisdiction
    written: bool = True  # False: a form made up here (呼和浩特公安局, 公安局) that `kg measures` would not take


@dataclass
class Vocabulary:
    """Every written form of the graph's agencies, places and topics → what it names."""

    forms: dict[str, list[Named]] = field(default_factory=dict)
    longest: int = 0

    def add(self, form: str, named: Named) -> None:
        key = _key(form)
        if len(key) < 2:  # one character (市, 省) names nothing on its own
            return
        hits = self.forms.setdefault(key, [])
        for i, old in enumerate(hits):
            if (old.kind, old.name) == (named.kind, named.name):
                if named.written and not old.written:
                    hits[i] = named
                return
        hits.append(named)
        self.longest = max(self.longest, len(key))

    def names(self, kind: str) -> list[str]:
        return sorted({n.name for hits in self.forms.values() for n in hits if n.kind == kind})

    @classmethod
    def build(
        cls,
        agencies: Iterable[tuple[str, str, Iterable[str]]],
        places: Iterable[tuple[str, Iterable[str]]],
        topics: Iterable[tuple[str, Iterable[str]]],
    ) -> Vocabulary:
        """From plain names: agencies as (name, place, written forms), places and topics as (name, forms)."""
        vocab = cls()
        place_forms: dict[str, set[str]] = {}
        for name, forms in places:
            place_forms[name] = {name, *forms}
            for form in place_forms[name]:
                vocab.add(form, Named("place", name))
        for label, forms in topics:
            for form in {label, *forms}:
                vocab.add(form, Named("topic", label))
        for name, place, written in agencies:
            written = {name, *written}
            for form in written:
                vocab.add(form, Named("agency", name, place))
            # 呼和浩特市公安局 may be typed 呼和浩特公安局 or 呼市公安局
            if place and name.startswith(place) and len(name) > len(place):
                for form in place_forms.get(place, ()):
                    vocab.add(form + name[len(place):], Named("agency", name, place, written=False))
            # 市公安局 may be typed 公安局: a bare body, which the place in the question (or the user) settles
            for form in written:
                bare = form[1:]
                if form[0] in "市省" and len(bare) >= 3 and not bare.startswith("委"):
                    vocab.add(bare, Named("agency", name, place, written=False))
        return vocab


def vocabulary_from_store(store: Any) -> Vocabulary:
    """The graph's own names: agencies with every form a document wrote them in, places with their short forms
    (呼市, 呼和浩特), topics with their labels and synonyms."""
    from kg.resolve import all_agencies, all_places, all_topics
    from loaders.agencies import place_forms

    places = [(p.name, set(p.written) | set(place_forms(p.name))) for p in all_places(store)]
    topics = [(t.label, t.written) for t in all_topics(store)]
    # one entry per place of an agency (公安机关 written in plans of several places), "" for none
    agencies = [(a.name, place, a.written) for a in all_agencies(store) for place in sorted(a.places.values()) or [""]]
    return Vocabulary.build(agencies, places, topics)


# --------------------------------------------------------------------------- spotting


@dataclass
class Mention:
    form: str
    hits: list[Named]

    def of(self, kind: str) -> list[Named]:
        return [n for n in self.hits if n.kind == kind]

    @property
    def kind(self) -> str:
        # a place name that is also an agency (呼和浩特市) is read as the place
        for kind in ("place", "agency", "topic"):
            if self.of(kind):
                return kind
        return ""


def _spot(text: str, vocab: Vocabulary) -> tuple[list[Mention], str]:
    """Names, longest first at each position, and the rest of the question with a | where each name was."""
    mentions: list[Mention] = []
    rest: list[str] = []
    i = 0
    while i < len(text):
        for n in range(min(vocab.longest, len(text) - i), 1, -1):
            hits = vocab.forms.get(text[i:i + n])
            if hits:
                mentions.append(Mention(text[i:i + n], hits))
                rest.append("|")
                i += n
                break
        else:
            rest.append(text[i])
            i += 1
    return mentions, "".join(rest)


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# an agency-like word the graph does not know (市交警支队): refuse rather than answer about something else
_AGENCY_LIKE = re.compile(r"[\u4e00-\u9fff]{2,12}?(?:委员会|办公室|支队|大队|公司|法院|检察院|派出所|局|厅)(?!长)")
_LEADING = "和与跟同及在由对请问查看让"


def _unknown_agencies(rest: str) -> list[str]:
    found = []
    for part in rest.split("|"):
        for m in _AGENCY_LIKE.finditer(part):
            word = m.group(0).lstrip(_LEADING)
            if len(word) >= 3:
                found.append(word)
    return found


# --------------------------------------------------------------------------- understanding


@dataclass
class Understanding:
    """The question kind and its parameters, as the matching command takes them."""

    kind: str
    agencies: list[str] = field(default_factory=list)  # as passed to the command (canonical, or a shared form)
    matched: list[list[str]] = field(default_factory=list)  # the agencies each of those stands for
    role: str | None = None
    place: str | None = None
    places: list[str] = field(default_factory=list)  # compare
    topic: str | None = None
    year: int | None = None  # targets: due by; outcomes: period

    def command(self) -> list[str]:
        """The `kg` command giving the same rows (outcomes of one year: the command's rows of that period)."""
        args = [KINDS[self.kind][2].split()[1]]
        if self.kind == "overlap":
            args += self.agencies
        elif self.kind == "compare":
            args += self.places
        elif self.kind == "track":
            args.append(self.topic or "")
        elif self.agencies:
            args += ["--agency", self.agencies[0]]
        if self.role:
            args += ["--role", self.role]
        if self.topic and self.kind in ("targets", "outcomes", "compare"):
            args += ["--topic", self.topic]
        if self.year is not None and self.kind == "targets":
            args += ["--due", str(self.year)]
        if self.place and self.kind != "compare":
            args += ["--jurisdiction", self.place]
        return args

    def describe(self) -> str:
        parts = [f"question: {self.kind}"]
        for typed, names in zip(self.agencies, self.matched, strict=False):
            parts.append(f"agency {typed}" + (f" (= {'、'.join(names)})" if names != [typed] else ""))
        if self.role:
            parts.append(f"role {self.role}")
        if self.place:
            parts.append(f"place {self.place}")
        if self.places:
            parts.append(f"places {' vs '.join(self.places)}")
        if self.topic:
            parts.append(f"topic {self.topic}")
        if self.year is not None:
            parts.append(f"{'due by' if self.kind == 'targets' else 'period'} {self.year}")
        text = "understood: " + " · ".join(parts) + " — same rows as: kg " + " ".join(self.command())
        if self.kind == "outcomes" and self.year is not None:
            text += f", period {self.year} only"
        return text


def _one(mentions: list[Mention], kind: str, what: str) -> str | None:
    names: list[str] = []
    for m in mentions:
        for n in m.of(kind):
            if n.name not in names:
                names.append(n.name)
    if len(names) > 1:
        raise Ambiguous(f"the question names several {what}", names)
    return names[0] if names else None


def _agency(m: Mention, places: list[str]) -> tuple[str, list[str], bool]:
    """The agency name to pass to a command, the agencies it stands for, and whether several remain."""
    hits = m.of("agency")
    if places:
        hits = [h for h in hits if h.place in places]
        if not hits:
            raise NotUnderstood(f"no agency {m.form} in {'、'.join(places)} in the graph")
    names = sorted({h.name for h in hits})
    if len(names) == 1:
        return names[0], names, False
    if all(h.written for h in hits):
        return m.form, names, True  # a form the documents wrote: the command answers for each, with a note
    raise Ambiguous(f"{m.form} may be", [f"{h.name}（{h.place}）" if h.place else h.name for h in hits])


def understand(question: str, vocab: Vocabulary) -> Understanding:
    """The question kind and parameters, or `NotUnderstood` / `Ambiguous` — never a guess."""
    text = fold_question(question)
    if not text:
        raise NotUnderstood("the question is empty")
    mentions, rest = _spot(text, vocab)
    unsupported = _found("unsupported", rest)
    if unsupported:
        raise NotUnderstood(f"the graph holds no answer to questions about {'、'.join(unsupported)}")
    unknown = _unknown_agencies(rest)
    if unknown:
        raise NotUnderstood(f"no agency named {'、'.join(unknown)} in the graph; closest known: "
                            + "、".join(difflib.get_close_matches(unknown[0], vocab.names("agency"), 5, 0.3)))
    agency_mentions = [m for m in mentions if m.kind == "agency"]
    place_names: list[str] = []
    for m in mentions:
        if m.kind == "place":
            for n in m.of("place"):
                if n.name not in place_names:
                    place_names.append(n.name)
    topic = _one(mentions, "topic", "topics")
    years = sorted({int(y) for y in _YEAR.findall(rest)})
    if len(years) > 1:
        raise Ambiguous("the question names several years", [str(y) for y in years])
    year = years[0] if years else None
    if year is not None and has_cue("after", rest):
        raise NotUnderstood(f"a year is understood as 'due by' (到{year}年, {year}年前) or as a report's period "
                            f"({year}年报告了…), not as 'after {year}'")
    role = _role(rest)
    has = {c: bool(_found(c, rest)) for c in
           ("overlap", "negation", "before", "after", "target", "outcome", "compare", "who", "measure")}

    # a place the question names, else the place of an agency it names in full, settles 市司法局
    context = place_names or sorted({m.of("agency")[0].place for m in agency_mentions if len(m.of("agency")) == 1})

    def one_place() -> str | None:
        if len(place_names) > 1:
            raise Ambiguous("this question takes one place", place_names)
        return place_names[0] if place_names else None

    def no_year(kind: str) -> None:
        if year is not None:
            raise NotUnderstood(f"a year narrows targets (due by) and outcomes (period), not {kind} questions")

    # measures no agency leads
    if has["negation"] and role == "lead" and not agency_mentions:
        no_year("gaps")
        return Understanding("gaps", place=one_place())
    if has["negation"]:
        raise NotUnderstood("a question with a negation is understood only as 哪些措施没有牵头单位")

    # two places side by side
    if len(place_names) >= 2 and (has["compare"] or has["who"]) and not agency_mentions:
        if len(place_names) > 2:
            raise Ambiguous("a comparison takes two places", place_names)
        no_year("compare")
        return Understanding("compare", places=place_names, topic=topic)

    # where two agencies meet
    if len(agency_mentions) >= 2:
        if len(agency_mentions) > 2:
            raise Ambiguous("an overlap takes two agencies", [m.form for m in agency_mentions])
        if not has["overlap"]:
            raise NotUnderstood("two agencies: ask where they overlap (…在哪些工作上有交叉), or ask about one; "
                                "a comparison is of two places (呼和浩特和聊城的分工有什么不同)")
        if topic or year is not None:
            raise NotUnderstood("an overlap question takes two agencies only (no topic or year)")
        picked = [_agency(m, context) for m in agency_mentions]
        for (_, names, several), m in zip(picked, agency_mentions, strict=True):
            if several:
                raise Ambiguous(f"{m.form} may be", names)
        return Understanding("overlap", agencies=[p[0] for p in picked], matched=[p[1] for p in picked],
                             place=one_place())

    agency = _agency(agency_mentions[0], context) if agency_mentions else None
    agency_args = {"agencies": [agency[0]], "matched": [agency[1]]} if agency else {}

    # results the reports claim
    if has["outcome"]:
        return Understanding("outcomes", **agency_args, place=one_place(), topic=topic, year=year)

    # targets, or anything due by a year
    if has["target"] or (year is not None and has["before"]):
        return Understanding("targets", **agency_args, place=one_place(), topic=topic, year=year)

    if agency:
        if not (role or has["measure"]):
            raise NotUnderstood(f"{agency[0]}: ask what it leads, helps with, guides or implements "
                                f"({agency_mentions[0].form}牵头哪些措施)")
        if topic:
            raise NotUnderstood("the measures of an agency are not filtered by topic: ask "
                                f"{topic}工作由哪些部门负责, or {agency_mentions[0].form}牵头哪些措施")
        no_year("measures")
        return Understanding("measures", **agency_args, role=role, place=one_place())

    # who carries a topic (a topic typed alone asks the same)
    bare_topic = len(mentions) == 1 and not any(has.values()) and not rest.strip("|")
    if topic and (has["who"] or role or has["measure"] or bare_topic):
        no_year("track")
        return Understanding("track", place=one_place(), topic=topic)

    if not mentions and year is None:
        raise NotUnderstood("no agency, place, topic or year of the graph is named in the question")
    raise NotUnderstood("no question kind fits these words")
