"""Self-contradictions a careful reader would flag, found in a document's own text.

>>> find_date_conflicts("根据《关于建设“平安聊城”的决定》(聊发〔2004〕5号文件)", "2003年6月15日")
['dated 2003 but cites a document of 2004 (聊发〔2004〕5号); the date may be wrong']
>>> find_date_conflicts("根据(聊发〔2004〕5号)", "2004年6月")
[]
"""

from __future__ import annotations

import re

# A cited document number: an issuer abbreviation, the year in 〔〕/[]/（）, a serial and 号.
_CITED_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,10}[〔\[［(（]((?:19|20)\d\d)[〕\]］)）]\s?\d{1,4}\s?号)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


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
    for cited in _CITED_NUMBER.finditer(text[:200_000]):
        number = re.sub(r"\s+", "", cited.group(1))
        cited_year = int(cited.group(2))
        if cited_year > year and number != own and not own.endswith(number):
            later.setdefault(number, cited_year)
    if not later:
        return []
    first, cited_year = min(later.items(), key=lambda item: item[1])
    return [f"dated {year} but cites a document of {cited_year} ({first}); the date may be wrong"]
