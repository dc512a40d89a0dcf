"""Text normalisation: bytes → text, Traditional → Simplified, punctuation folding, PDF line joins.

Everything downstream parses the *folded* text (full-width punctuation mapped to ASCII) but cuts
quotes from the *original* text. Folding maps one character to one character, so an offset in the
folded text is the same offset in the original and no position map is needed for it. Joining PDF
lines does change lengths, so :class:`Joined` carries the original offset of every character.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from loaders.errors import LoadError

# Byte-order marks, longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

# Control bytes that never occur in text files (tab, newlines, form feed and escape do).
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\x1b")
# Every other byte: deleting these leaves the binary control bytes, counted in C.
_NOT_BINARY = bytes(b for b in range(256) if not (b < 0x20 and b not in _TEXT_CONTROLS))

# Full-width ASCII (！ … ～) → ASCII and the ideographic space → space; one character each.
_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: 0x20, ord("﹙"): ord("("), ord("﹚"): ord(")"), ord("﹕"): ord(":")})


def char_folder(table: dict[int, int]) -> Callable[[str], str]:
    """``text.translate(table)`` for a one-character-for-one map, done as one str.replace per mapped character
    the text holds: str.translate with a dict looks every character up in Python, which costs far more on CJK
    text than finding the few mapped ones with a regex. No target may itself be a key (the order of the
    replacements is then free)."""
    chars = {chr(k): chr(v) for k, v in table.items()}
    if set(chars) & set(chars.values()):
        raise ValueError("a folded character would be folded again")
    present = re.compile("[" + "".join(re.escape(c) for c in chars) + "]")

    def fold(text: str) -> str:
        for ch in set(present.findall(text)):
            text = text.replace(ch, chars[ch])
        return text

    return fold


_fold = char_folder(_FOLD)

# A line ending in one of these ends a paragraph; any other line break is a PDF wrap.
PARAGRAPH_END = frozenset("。！？!?:")

REPLACEMENT = "\ufffd"


def decode_bytes(raw: bytes) -> tuple[str, list[str]]:
    """Decode a file's bytes: UTF-8 (with or without BOM), UTF-16/32 with BOM, or GB18030.

    Returns the normalised text and warnings. Raises :class:`LoadError` for empty, binary or
    undecodable input.
    """
    if not raw.strip():
        raise LoadError("empty file")
    warnings: list[str] = []
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise LoadError(
                    f"cannot decode as {encoding} although the file starts with its byte-order mark"
                ) from exc
            break
    else:
        utf16 = _utf16_without_bom(raw)
        if utf16 is not None:
            text = utf16
            warnings.append("read as UTF-16 without a byte-order mark")
        elif looks_binary(raw):
            raise LoadError("binary file, not text")
        else:
            text = _decode_without_bom(raw, warnings)
    text = normalise_text(text)
    if not text.strip():
        raise LoadError("no text in file")
    return text, warnings


def _utf16_without_bom(raw: bytes) -> str | None:
    """Text saved as UTF-16 with no byte-order mark (Notepad's "Unicode" in some versions).

    Tried only when the bytes hold NULs (UTF-8 and GB18030 text never does). Each byte order is decoded
    and kept if nearly every character is what a Chinese plan is made of: CJK ideographs, CJK and
    full-width punctuation, printable ASCII, line breaks. Random binary data decoded as UTF-16 is mostly
    other scripts and private-use or control characters, so it is still refused as binary.
    """
    head = raw[:8192]
    if len(raw) % 2 or b"\x00" not in head:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:4096]
        plain = sum(1 for ch in sample if _is_plan_character(ch))
        if sample and plain >= 0.95 * len(sample):
            return text
    return None


def _is_plan_character(ch: str) -> bool:
    code = ord(ch)
    return (0x4E00 <= code <= 0x9FFF or 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF
            or 0x20 <= code < 0x7F or ch in "\n\r\t“”‘’—…·、")


def looks_binary(raw: bytes) -> bool:
    """NUL bytes or many control bytes in the first 8 KiB mean a binary file."""
    head = raw[:8192]
    if b"\x00" in head:
        return True
    controls = len(head.translate(None, _NOT_BINARY))  # bytes below 0x20 other than _TEXT_CONTROLS
    return controls > len(head) // 20


def _decode_without_bom(raw: bytes, warnings: list[str]) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # A few bad bytes in otherwise valid UTF-8 (a truncated download) are kept as U+FFFD rather than
    # reinterpreted as GB18030, which would turn the whole file into mojibake.
    lenient = raw.decode("utf-8", errors="replace")
    bad = lenient.count(REPLACEMENT) - raw.count(REPLACEMENT.encode("utf-8"))
    if bad <= max(1, len(raw) // 2000):
        warnings.append(f"{bad} byte sequence(s) are not valid UTF-8; replaced by U+FFFD")
        return lenient
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and reads_as_chinese(text):
        return text
    # GB18030 accepts almost any byte string, so a Big5 (Taiwan, Hong Kong) or Shift-JIS file also
    # "decodes" — as nonsense. Big5 is tried when GB18030 does not read as Chinese.
    try:
        big5 = raw.decode("big5")
    except UnicodeDecodeError:
        big5 = None
    if big5 is not None and reads_as_chinese(big5):
        warnings.append("read as Big5")
        return big5
    if text is None:
        raise LoadError("cannot decode: not UTF-8, UTF-16, GB18030 or Big5 text")
    warnings.append("decoded as GB18030, but the text does not read as Chinese: the file may be in another "
                    "encoding (Shift-JIS?); check the facts taken from it")
    return text


# The most frequent Chinese characters, Simplified and Traditional: in real Chinese prose about a third of
# the ideographs are among them; in another encoding decoded as GB18030 almost none are.
_COMMON = frozenset(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
    "而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好"
    "应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反明看原又么利比或但质气第向道命"
    "此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求"
    "老头基资边流路级少图山统接知较将组见计别手角期根论运农指几九区强放决西被干做必战先回则任取据处府研安全治综"
    "這為個國們時來說產種後學經進著電裡現實兩體機當從業應開還與關線數問題黨員總設長頭資邊級圖統較將組見計別論運農"
    "幾區強決戰則據處責單位協調監督檢查會議規劃實施辦"
)


def reads_as_chinese(text: str) -> bool:
    """Whether decoded text reads as Chinese: enough of its ideographs are common ones. Short texts and
    texts with few ideographs (numbers, Latin) pass, since there is nothing to judge."""
    ideographs = [ch for ch in text[:20000] if "\u4e00" <= ch <= "\u9fff"]
    if len(ideographs) < 50:
        return True
    common = sum(1 for ch in ideographs if ch in _COMMON)
    return common >= 0.15 * len(ideographs)


def normalise_text(text: str) -> str:
    """Unify newlines, drop a leading BOM, compose characters (NFC)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    return unicodedata.normalize("NFC", text)


# Common characters that exist only in Traditional script (their Simplified forms differ). A Simplified
# text has none of them; a Traditional one has them in every other sentence. Checking a sample for them
# is what lets Simplified documents skip OpenCC entirely.
_TRADITIONAL_ONLY = frozenset(
    "們個這與對會時國來說為發於動關點過實機經現進區縣單責員務導辦檢組織當報長開後從問裡還頭應變"
    "體歲親種總條場設區處轉態權戰業東車語黨競議論風邊陽陰將專傳強鄉鎮職聯級衛譯參無愛電網監"
)
_SAMPLE = 20_000
# The same tests as character classes, counted in C (a generator over 20,000 characters costs far more).
_TRADITIONAL_CHAR = re.compile("[" + "".join(sorted(_TRADITIONAL_ONLY)) + "]")
_CJK_CHAR = re.compile("[\u4e00-\u9fff]")
_MIN_TRADITIONAL = 3  # hits in the sample, and at least one CJK character in 50


def is_traditional(text: str) -> bool:
    """Whether a text is written in Traditional Chinese, judged cheaply from a sample."""
    sample = text[:_SAMPLE]
    hits = len(_TRADITIONAL_CHAR.findall(sample))
    if hits < _MIN_TRADITIONAL:
        return False
    cjk = len(_CJK_CHAR.findall(sample))
    return hits * 50 >= cjk


def to_simplified(text: str) -> str:
    """Traditional → Simplified with OpenCC (t2s), character for character.

    OpenCC converts phrases, and a phrase could in principle change length; offsets must map 1:1 between
    the two texts (quotes are cut from the original), so a line whose length changes is converted one
    character at a time instead, keeping any character whose conversion is not one character.
    """
    from opencc import OpenCC  # only Traditional documents pay for it

    converter = OpenCC("t2s")
    simplified = converter.convert(text)
    if len(simplified) == len(text):
        return simplified
    lines = []
    for line in text.split("\n"):
        converted = converter.convert(line)
        if len(converted) != len(line):
            converted = "".join(c if len(c := converter.convert(ch)) == 1 else ch for ch in line)
        lines.append(converted)
    return "\n".join(lines)


def fold_punctuation(text: str) -> str:
    """Full-width punctuation, digits and letters → ASCII, one character for one character."""
    return _fold(text)


def find_text_warnings(text: str) -> list[str]:
    """Warnings about the text itself: U+FFFD means the source was truncated or mis-encoded."""
    count = text.count(REPLACEMENT)
    if not count:
        return []
    first = text.index(REPLACEMENT)
    line = text.count("\n", 0, first) + 1
    where = "at the end (the text is truncated)" if not text[first + 1 :].strip() else f"first on line {line}"
    return [f"{count} unreadable character(s) (U+FFFD) {where}"]


@dataclass
class Source:
    """The normalised text of one document, its folded twin and its line index.

    For a Traditional Chinese document ``text`` is its Simplified twin (what measures, headings and names
    are read from, so queries match) and ``original`` the text as written (what quotes are cut from).
    Both have the same length, so one offset serves both.
    """

    text: str
    original: str | None = None
    # Where each character of ``text`` stands in ``original``, plus one entry for the end, when the parsers'
    # text dropped characters the file has (pinyin glosses, loaders/noise.py); None when offsets are the same.
    origin: list[int] | None = None
    folded: str = field(init=False)
    line_starts: list[int] = field(init=False)
    _nonblank: list[int] | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        self.folded = fold_punctuation(self.text)
        starts = [0]
        pos = self.text.find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = self.text.find("\n", pos + 1)
        self.line_starts = starts

    def quote(self, start: int, end: int) -> str:
        """The source as written between two offsets (Traditional characters stay Traditional, and glosses the
        parsers' text left out are in it)."""
        if self.original is None:
            return self.text[start:end]
        if self.origin is None:
            return self.original[start:end]
        # A gloss belongs to the character before it: a quote ending at 復 takes 復(fù).
        first = self.origin[min(start, len(self.text))]
        return self.original[first : self.origin[min(end, len(self.text))]] if end > start else ""

    def nonblank_lines(self) -> list[int]:
        """The 1-based numbers of the lines that hold more than blanks (found once: metadata asks several times)."""
        if self._nonblank is None:
            self._nonblank = [i + 1 for i, line in enumerate(self.text.split("\n")) if line.strip()]
        return self._nonblank

    def written(self, quote: str, start: int = 0, end: int | None = None) -> str:
        """A quote found in the parsers' text, as the file writes it (Traditional, glosses kept); a quote the text
        does not hold in ``start:end`` is returned as it is."""
        if self.original is None or not quote:
            return quote
        pos = self.text.find(quote, start, len(self.text) if end is None else end)
        return self.quote(pos, pos + len(quote)) if pos != -1 else quote

    def written_name(self, name: str, start: int, end: int) -> str:
        """A name read in ``start:end`` (blanks between its characters allowed), as the file writes it, blanks
        removed; a name the span does not hold as such (an expansion: 各县(市区)政府) stays as read."""
        if self.original is None or not name:
            return name
        found = re.compile(r"\s*".join(map(re.escape, name))).search(self.text, start, end)
        return re.sub(r"\s+", "", self.quote(found.start(), found.end())) if found else name

    def line_of(self, offset: int) -> int:
        """1-based line number of an offset."""
        return bisect_right(self.line_starts, offset)

    def line_span(self, number: int) -> tuple[int, int]:
        """Start and end offsets (end excludes the newline) of a 1-based line."""
        start = self.line_starts[number - 1]
        end = self.line_starts[number] - 1 if number < len(self.line_starts) else len(self.text)
        return start, end

    @property
    def line_count(self) -> int:
        return len(self.line_starts)


@dataclass
class Joined:
    """A span of a source with PDF line breaks joined.

    ``text`` keeps the original characters, ``folded`` is its folded twin, and ``offsets[i]`` is
    the source offset of ``text[i]``.
    """

    text: str
    folded: str
    offsets: list[int]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source offsets covering joined characters ``start:end`` (end exclusive)."""
        if start >= end:
            pos = self.offsets[start] if start < len(self.offsets) else (self.offsets[-1] + 1 if self.offsets else 0)
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


def as_written(source: Source, joined: Joined) -> str:
    """The joined text as the file writes it: each run of characters that stand together in the source is
    quoted from it (Traditional, glosses kept), the joins stay as they are."""
    if source.original is None:
        return joined.text
    offsets, text = joined.offsets, source.text
    inserted = [joined.text[k] != text[offsets[k]] for k in range(len(offsets))]
    pieces, run = [], 0
    for i in range(1, len(offsets) + 1):
        if i == len(offsets) or offsets[i] != offsets[i - 1] + 1 or inserted[i - 1] or inserted[i]:
            pieces.append(_piece(source, joined, run, i))
            run = i
    return "".join(pieces)


def _piece(source: Source, joined: Joined, start: int, end: int) -> str:
    """One run of a joined text, as written: an inserted join (a space or line break standing for a break that
    was dropped) is kept as it is."""
    first = joined.offsets[start]
    if end - start == 1 and joined.text[start] != source.text[first]:
        return joined.text[start]
    return source.quote(first, joined.offsets[end - 1] + 1)


def join_lines(source: Source, start: int, end: int) -> Joined:
    """Join the lines of ``source.text[start:end]`` the way the author wrote them.

    PDF extraction breaks lines inside sentences and even inside agency names (市信 / 访局) and pads
    page breaks with a leading space, so a line break is dropped unless the line before it ends a
    paragraph (。！？:), where it becomes one newline. Indentation and trailing blanks go; blanks
    inside a line stay (they are the author's). A break between two ASCII letters or digits
    becomes one space so words do not fuse.
    """
    pieces: list[str] = []
    folded: list[str] = []  # the same pieces cut from the folded twin: folding is per character
    offsets: list[int] = []
    text = source.text
    prev_last = ""
    line_start = start
    while line_start <= end:
        nl = text.find("\n", line_start, end)
        line_end = end if nl == -1 else nl
        lo, hi = line_start, line_end
        while lo < hi and text[lo].isspace():
            lo += 1
        while hi > lo and text[hi - 1].isspace():
            hi -= 1
        if lo < hi:
            if prev_last:
                first = source.folded[lo]
                if prev_last in PARAGRAPH_END:
                    pieces.append("\n")
                    folded.append("\n")
                    offsets.append(lo - 1)
                elif prev_last.isascii() and prev_last.isalnum() and first.isascii() and first.isalnum():
                    pieces.append(" ")
                    folded.append(" ")
                    offsets.append(lo - 1)
            pieces.append(text[lo:hi])
            folded.append(source.folded[lo:hi])
            offsets.extend(range(lo, hi))
            prev_last = source.folded[hi - 1]
        if nl == -1:
            break
        line_start = nl + 1
    return Joined("".join(pieces), "".join(folded), offsets)
