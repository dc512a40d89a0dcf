"""Self-contradictions a careful reader would flag, found in a document's own text.

>>> find_date_conflicts("根据《关于建设“平安聊城”的决定》(聊发〔2004〕5号文件)", "2003年6月15日")
['dated 2003 but cites a document of 2004 (聊发〔2004〕5号); the date may be wrong']
>>> find_date_conflicts("根据(聊发〔2004〕5号)", "2004年6月")
[]
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# A cited document number: an issuer abbreviation, the year in 〔〕/[]/（）, a serial and 号.
_CITED_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,10}[〔\[［(（]((?:19|20)\d\d)[〕\]］)）]\s?\d{1,4}\s?号)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
# The bracketed year every citation holds; its first character is found by a fast scan, while
# _CITED_NUMBER, which starts with a run of ideographs, would be tried at every ideograph of the text.
_CITED_YEAR = re.compile(r"[〔\[［(（](?:19|20)\d\d[〕\]］)）]")
_MAX_ISSUER = 10  # ideographs before the bracket, as in _CITED_NUMBER
_MAX_TAIL = 13  # bracket, year, bracket, blank, four digits, blank, 号: the most a citation runs past its bracket


def _citations(text: str) -> Iterator[re.Match[str]]:
    """The matches of ``_CITED_NUMBER.finditer(text)``, found from the bracketed years they hold.

    A citation is the ideographs right before a bracketed year (at most ``_MAX_ISSUER``) and what follows the
    bracket. Its leftmost start is where that run of ideographs begins (not before the end of the previous
    citation); if the pattern fails there it fails at every later start too, since the tail is the same.
    """
    done = 0  # end of the last citation: the next one starts at or after it
    for anchor in _CITED_YEAR.finditer(text):
        bracket = anchor.start()
        if bracket < done:
            continue
        start, floor = bracket, max(done, bracket - _MAX_ISSUER)
        while start > floor and "\u4e00" <= text[start - 1] <= "\u9fff":
            start -= 1
        if start == bracket:
            continue
        cited = _CITED_NUMBER.match(text, start, min(len(text), bracket + _MAX_TAIL))
        if cited:
            yield cited
            done = cited.end()


def find_date_conflicts(text: str, date: str | None, doc_number: str | None = None) -> list[str]:
    """Warnings when the document's stated date is earlier than a document it cites.

    A plan cannot cite a decision issued after it, so either the stated date or the citation is wrong
    (seed 001 is dated 2003年6月15日 and cites 聊发〔2004〕5号). The document's own number is not a citation.
    """
    match = _YEAR.search(date or "")
    if not match:
        return []
    year = int(match.group(1))
    own = re.sub(r"\s+", "", doc_number or "")
    later: dict[str, int] = {}
    for cited in _citations(text[:200_000]):
        number = re.sub(r"\s+", "", cited.group(1))
        cited_year = int(cited.group(2))
        if cited_year > year and number != own and not own.endswith(number):
            later.setdefault(number, cited_year)
    if not later:
        return []
    first, cited_year = min(later.items(), key=lambda item: item[1])
    return [f"dated {year} but cites a document of {cited_year} ({first}); the date may be wrong"]
