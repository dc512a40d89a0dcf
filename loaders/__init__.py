"""Loaders: files of Chinese public-security plans → :class:`~loaders.model.Document` records.

>>> from loaders import parse_document
>>> doc = parse_document("一、任务\\n（一）加强巡逻。每天巡逻。（责任单位：市公安局、各区县）\\n")
>>> [(a.as_written, a.role) for a in doc.measures[0].assignments]
[('市公安局', 'lead'), ('各区县', 'implement')]
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from loaders.document import parse_document, read
    from loaders.errors import LoadError
    from loaders.model import Assignment, Document, Measure, Outcome, Target

__all__ = ["Assignment", "Document", "LoadError", "Measure", "Outcome", "Target", "parse_document", "read"]

# Each name is imported when it is first asked for (PEP 562): a question that needs one table of one loader
# (kg ask: loaders.agencies' short place names) then does not compile every loader's patterns and dataclasses,
# 0.17 s of its time at start-up.
_HOME = {"parse_document": "loaders.document", "read": "loaders.document", "LoadError": "loaders.errors",
         **{name: "loaders.model" for name in ("Assignment", "Document", "Measure", "Outcome", "Target")}}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'loaders' has no attribute {name!r}")
    value = globals()[name] = getattr(importlib.import_module(home), name)
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
