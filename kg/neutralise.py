"""Document text and file names made harmless for the two consumers that would act on them: a spreadsheet
opening a CSV file, and a terminal showing a line. Everything else (JSON, RDF, Cypher with its own escaping)
keeps the exact value.

Spreadsheet cells (``spreadsheet_cell``): Excel, LibreOffice and Google Sheets run a cell that begins with
``=``, ``+``, ``-`` or ``@`` as a formula (``=HYPERLINK(…)`` sends data away, DDE runs programs), and a
leading TAB or CR can hide such a start. As OWASP's "CSV Injection" advises, such a cell gets a single quote in
front (the csv module already doubles embedded quotes and quotes the field); so does a leading NUL (OWASP ASVS
adds it). Two exceptions keep the data usable:

- a cell that is a plain number (``-3``, ``+1.5``, ``-2e3``) is left alone: a spreadsheet reads it as a
  number, not a formula, and neo4j-admin must read a negative ``:long``/``:double`` as one;
- a cell that already begins with a single quote gets one more, so the rule can be undone exactly: a cell
  that begins with ``'`` had one put in front; take the first character off to get the value
  (``kg export --format neo4j-import`` does that in Neo4j after the import, see kg.neo4j_io).

Terminal text (``terminal_text``): a control character in a file name or a document string printed as it is
can forge a line (a newline followed by ``error: …``), move the cursor or rewrite the screen (ESC and C1
sequences, CR, backspace), ring the bell, or reorder what is shown (Unicode bidirectional overrides and
isolates, "Trojan Source"). They are shown as Python-style escapes instead: ``\\n``, ``\\r``, ``\\t``,
``\\x1b``, ``\\u202e``. Printable text, Chinese included, is returned as it is.
"""

from __future__ import annotations

import re

__all__ = ["FORMULA_STARTS", "spreadsheet_cell", "terminal_text"]

# What makes a spreadsheet read a cell as a formula, or hides such a start (OWASP, "CSV Injection")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_cell(value: str) -> str:
    """A CSV cell's text with a leading formula character neutralised (see the module docstring)."""
    if not value or not value.startswith((*FORMULA_STARTS, "'")):
        return value
    if value[0] in "+-" and _NUMBER.fullmatch(value):
        return value
    return "'" + value


# C0 and C1 controls and DEL; the line and paragraph separators (a line break to some terminals and logs);
# the bidirectional marks, embeddings, overrides and isolates
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CONTROL_EXCEPT_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
                                   "\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group(0)
    return _NAMED.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")


def terminal_text(text: str, *, lines: bool = False) -> str:
    """``text`` with every control character shown as an escape (see the module docstring), for one line of a
    message or a table cell; ``lines=True`` keeps line feeds and tabs, for a block of document text."""
    if text.isprintable():  # nearly every string: no control, format or separator character at all
        return text
    return (_CONTROL_EXCEPT_LINES if lines else _CONTROL).sub(_escape, text)
