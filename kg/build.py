"""From paths a user gives to Document records: find the files, read each, never let one stop the rest."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from loaders.model import Document

# Extensions a folder walk picks up; a file named explicitly is always tried (its loader says if it can't).
DOCUMENT_SUFFIXES = (".txt", ".text", ".md")


@dataclass
class ReadResult:
    documents: list[Document] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "path: reason", one per file that could not be read
    warnings: list[str] = field(default_factory=list)  # "path: what was odd", the document still loaded


def find_files(paths: Iterable[str | os.PathLike]) -> Iterator[tuple[Path, str | None]]:
    """Yield (file, None) for each document file under ``paths``, or (path, reason) for a path that is not
    usable. Folders are walked recursively in sorted order so builds are reproducible."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = False
            for sub in sorted(path.rglob("*")):
                if sub.is_file() and sub.suffix.lower() in DOCUMENT_SUFFIXES and not sub.name.startswith("."):
                    found = True
                    yield sub, None
            if not found:
                yield path, f"no document files ({', '.join(DOCUMENT_SUFFIXES)}) in this folder"
        elif path.is_file():
            yield path, None
        elif path.exists():
            yield path, "not a regular file"
        else:
            yield path, "no such file or folder"


def read_documents(paths: Iterable[str | os.PathLike]) -> ReadResult:
    """Read every document under ``paths``. A file that cannot be read is reported in ``errors``."""
    import loaders

    result = ReadResult()
    seen: set[str] = set()
    for path, problem in find_files(paths):
        if problem:
            result.errors.append(f"{path}: {problem}")
            continue
        try:
            doc = loaders.read(path)
        except loaders.LoadError as exc:
            result.errors.append(f"{path}: {exc}")
            continue
        except OSError as exc:
            result.errors.append(f"{path}: cannot read ({exc.strerror or exc})")
            continue
        except Exception as exc:  # a loader bug must not stop the other documents; it is reported, not hidden
            result.errors.append(f"{path}: loader failed ({type(exc).__name__}: {exc}); please report this")
            continue
        if doc.id in seen:
            result.warnings.append(f"{path}: same content as a file already read; skipped")
            continue
        seen.add(doc.id)
        result.warnings.extend(f"{path}: {w}" for w in doc.warnings)
        result.documents.append(doc)
    return result
