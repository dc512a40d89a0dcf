"""Loaders: files of Chinese public-security plans → :class:`~loaders.model.Document` records.

>>> doc = parse_document("一、任务\\n（一）加强巡逻。每天巡逻。（责任单位：市公安局、各区县）\\n")
>>> [(a.as_written, a.role) for a in doc.measures[0].assignments]
[('市公安局', 'lead'), ('各区县', 'implement')]
"""

from __future__ import annotations

from loaders.document import parse_document, read
from loaders.errors import LoadError
from loaders.model import Assignment, Document, Measure, Outcome, Target

__all__ = ["Assignment", "Document", "LoadError", "Measure", "Outcome", "Target", "parse_document", "read"]
