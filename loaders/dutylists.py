"""Department duty lists: a department named once, as an item's heading or opening, leads the item.

Plans and task notices often give each department its own item or list instead of a 责任单位 label:

* a heading that is a department (and a word saying "its duties", ``data/duty_headings.txt``) leads every item
  below it: ``（七）卫生部门职责、任务`` over items ``1.`` … ``6.``;
* an item whose first sentence is a department: ``(二)公安部门。协助民政部门做好…``;
* an item that opens with a department and a colon: ``3.市民政局：负责…``.

A name counts only when the inline recogniser (:func:`loaders.inline.is_inline_agency`) takes it for a body, so
a heading such as ``（一）主要职能`` or ``二、成员单位`` names nobody.

>>> heading_department("卫生部门职责、任务"), heading_department("成员单位")
('卫生部门', None)
>>> opening_department("市民政局:负责流浪乞讨人员救助。")  # folded text: ASCII colon
('市民政局', 0, 4)
"""

from __future__ import annotations

import re
from functools import lru_cache

from loaders import lexicon
from loaders.inline import is_inline_agency

__all__ = ["heading_department", "opening_department"]

_MAX_NAME = 20
# A department and a colon or full stop opening an item (folded text: ASCII colon).
_OPENING = re.compile(rf"[ \t]*([^\s,;:。、()]{{2,{_MAX_NAME}}}?)[ \t]*[:。]")


@lru_cache(maxsize=4096)  # headings repeat across the items of a list
def heading_department(heading: str | None) -> str | None:
    """The department an item's heading names, without the words saying "its duties"; None if it names none."""
    if not heading:
        return None
    name = re.sub(r"\s+", "", heading).rstrip("。:：")
    for words in lexicon.words("duty_headings.txt"):
        if name.endswith(words) and len(name) > len(words):
            name = name[: -len(words)]
            break
    return name if is_inline_agency(name) else None


def opening_department(folded: str) -> tuple[str, int, int] | None:
    """(name, start, end) of a department that opens an item's text followed by a colon or a full stop."""
    if ":" not in folded[: _MAX_NAME + 4] and "。" not in folded[: _MAX_NAME + 4]:
        return None  # (no colon or full stop near the start: no department opens the item)
    found = _OPENING.match(folded)
    if found is None or not is_inline_agency(found.group(1)):
        return None
    return found.group(1), found.start(1), found.end(1)
