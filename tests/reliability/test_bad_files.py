"""Bad files through `kg build`: each gets one error line naming the file and the reason, the good file
beside it still builds, and the exit status is 1.

tests/loaders/test_text_decoding.py and test_formats.py check the loaders' messages one by one; here each
bad input goes through the command a user runs, next to a good plan, and the store is queried after.
"""

from __future__ import annotations

import builtins
import io
import json
import os
import re
import resource
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from reliability_kit import KG, SEED_DIR, SEED_TEXTS, record

from kg.cli import cli

GOOD_NAME = sorted(SEED_TEXTS)[0]  # the Hohhot plan: 呼和浩特市公安局 leads measures in it
GOOD_AGENCY = "呼和浩特市公安局"
PLAN = SEED_TEXTS[GOOD_NAME]


def pdf_file(path: Path, *, password: str | None = None, text: bool = True) -> Path:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    encrypt = pdfencrypt.StandardEncryption(password, ownerPassword="owner") if password else None
    pdf = canvas.Canvas(str(path), encrypt=encrypt, invariant=1)
    if text:
        pdf.setFont("STSong-Light", 12)
        for n, line in enumerate(PLAN.splitlines()[:40]):
            pdf.drawString(40, 800 - 16 * n, line[:40])
    else:  # what a scan is to a text extractor: marks on a page, no text layer
        for n in range(40):
            pdf.rect(40, 800 - 16 * n, 400, 8, fill=1)
    pdf.save()
    return path


def zip_bomb(path: Path, megabytes: int = 100) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            chunk = b" " * 2**20
            for _ in range(megabytes):
                member.write(chunk)
    return path


def scripts_page(article: bool, title: str = "通知") -> str:
    scripts = "".join(
        f"<script>document.write('<p>（一）巡逻。（责任单位：恶意注入局{n}）</p>'); fetch('http://x/{n}')</script>"
        for n in range(500)
    )
    body = "".join(f"<p>{line}</p>" for line in PLAN.splitlines()) if article else ""
    head = f"<title>{title}</title>" if title else ""
    return f"<html><head>{head}{scripts}</head><body>{scripts}<div>{body}</div>{scripts}</body></html>"


# name → (file name, writer, what the error line must say). Writers get the path to write.
BAD_FILES: dict[str, tuple[str, Callable[[Path], object], str]] = {
    "empty file": ("empty.txt", lambda p: p.write_bytes(b""), r"empty file"),
    "blank file (spaces, tabs, ideographic spaces)": (
        "blank.txt",
        lambda p: p.write_bytes(" \n\t\u3000\n".encode()),
        r"empty file|no text",
    ),
    "binary renamed .txt": (
        "photo.txt",
        lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 64),
        r"binary file",
    ),
    "Latin-1 bytes": (
        "latin1.txt",
        lambda p: p.write_bytes(("Plan de sécurité publique; café, garçon, naïve. " * 80).encode("latin-1")),
        r"cannot decode",
    ),
    ".docx that is not a zip": ("plan.docx", lambda p: p.write_text(PLAN, encoding="utf-8"), r"not a zip"),
    "zip bomb disguised as .docx": ("bomb.docx", zip_bomb, r"zip bomb"),
    "encrypted PDF": ("secret.pdf", lambda p: pdf_file(p, password="user"), r"encrypted PDF"),
    "image-only PDF": ("scan.pdf", lambda p: pdf_file(p, text=False), r"no text layer"),
    "HTML page of scripts only": (
        "scripts.html",
        lambda p: p.write_text(scripts_page(article=False, title=""), encoding="utf-8"),
        r"no article text|empty HTML",
    ),
    "path that does not exist": ("missing.txt", lambda p: None, r"no such file"),
    "unsupported suffix": ("plan.xls", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0" * 100), r"unsupported file type"),
}


def build(runner: CliRunner, store: Path, *paths: Path | str) -> Result:
    return runner.invoke(cli, ["build", *map(str, paths), "--store", str(store)])


def agencies(runner: CliRunner, store: Path) -> list[str]:
    result = runner.invoke(cli, ["agencies", "--format", "json", "--store", str(store)])
    assert result.exit_code == 0, result.output
    return [row["name"] for row in json.loads(result.stdout)["rows"]]


def assert_reported(result: Result, bad: Path, reason: str) -> None:
    """Exit 1, one error line naming the bad file with the reason, no traceback, the good file built."""
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert result.exit_code == 1, result.output
    assert len(errors) == 1, result.stderr
    assert str(bad) in errors[0] and re.search(reason, errors[0]), errors[0]
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    assert "built " in result.stdout and "1 documents" in result.stdout, result.stdout


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_is_named_with_its_reason_and_the_good_one_builds(
    runner: CliRunner, tmp_path: Path, case: str
) -> None:
    name, write, reason = BAD_FILES[case]
    bad = tmp_path / name
    write(bad)
    store = tmp_path / "store"
    result = build(runner, store, SEED_DIR / GOOD_NAME, bad)
    assert_reported(result, bad, reason)
    assert GOOD_AGENCY in agencies(runner, store)
    record("bad files", case, "one error line naming the file; the other file built; exit 1")


def test_script_text_in_a_page_never_becomes_an_agency(runner: CliRunner, tmp_path: Path) -> None:
    page = tmp_path / "notice.html"
    page.write_text(scripts_page(article=True), encoding="utf-8")
    store = tmp_path / "store"
    result = build(runner, store, page)
    assert result.exit_code == 0, result.output
    names = agencies(runner, store)
    assert GOOD_AGENCY in names and not any("恶意注入" in n for n in names)
    record("bad files", "HTML page of 1 500 scripts around an article", "article built; no script text in the graph")


def _deny(locked: Path) -> Callable:
    real_open = builtins.open

    def fake_open(file, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202 - mirrors open()
        if os.fspath(file) == str(locked) if isinstance(file, str | os.PathLike) else False:
            raise PermissionError(13, "Permission denied", str(locked))
        return real_open(file, *args, **kwargs)

    return fake_open


@pytest.mark.parametrize("how", ["chmod 000", "open() raises PermissionError"])
def test_a_folder_with_an_unreadable_file_reports_it_and_builds_the_rest(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "a_good.txt").write_text(PLAN, encoding="utf-8")
    locked = folder / "b_locked.txt"
    locked.write_text(SEED_TEXTS[sorted(SEED_TEXTS)[1]], encoding="utf-8")
    if how == "chmod 000":
        if os.geteuid() == 0:
            pytest.skip("running as root, where chmod 000 does not stop reads; the PermissionError variant covers it")
        locked.chmod(0)
    else:
        fake = _deny(locked)
        monkeypatch.setattr(builtins, "open", fake)
        monkeypatch.setattr(io, "open", fake)
    result = build(runner, tmp_path / "store", folder)
    monkeypatch.undo()
    assert_reported(result, locked, r"[Pp]ermission denied")
    assert GOOD_AGENCY in agencies(runner, tmp_path / "store")
    record("bad files", f"folder with an unreadable file ({how})", "one error line naming the file; the rest built")


def test_every_bad_file_at_once_is_each_reported_once(runner: CliRunner, tmp_path: Path) -> None:
    bad_paths = []
    for name, write, _ in BAD_FILES.values():
        bad_paths.append(tmp_path / name)
        write(tmp_path / name)
    result = build(runner, tmp_path / "store", SEED_DIR / GOOD_NAME, *bad_paths)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert result.exit_code == 1
    assert len(errors) == len(bad_paths), result.stderr
    for path, (_, _, reason) in zip(bad_paths, BAD_FILES.values(), strict=True):
        (line,) = [e for e in errors if e.startswith(f"error: {path}:")]
        assert re.search(reason, line), line
    assert f"{len(BAD_FILES)} file(s) could not be read" in result.stdout
    assert GOOD_AGENCY in agencies(runner, tmp_path / "store")
    record("bad files", f"all {len(BAD_FILES)} bad files in one build", "each reported once; the good one built")


def test_a_build_of_only_bad_files_leaves_the_store_unchanged(runner: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert build(runner, store, SEED_DIR / GOOD_NAME).exit_code == 0
    before = agencies(runner, store)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = build(runner, store, empty)
    assert result.exit_code == 1
    assert agencies(runner, store) == before
    assert "no document could be read" in result.stderr
    record("bad files", "a build of only bad files", "refused; the previous graph kept")


def test_a_page_of_scripts_with_a_title_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    page = tmp_path / "scripts.html"
    page.write_text(scripts_page(article=False, title="关于印发平安建设方案的通知"), encoding="utf-8")
    result = build(runner, tmp_path / "store", SEED_DIR / GOOD_NAME, page)
    assert_reported(result, page, r"no article text")


# ------------------------------------------------------------------ encodings a user meets


def test_utf16_without_a_bom_is_read_or_named_as_utf16(runner: CliRunner, tmp_path: Path) -> None:
    """Windows Notepad's "Unicode" is UTF-16-LE; some exporters drop its byte-order mark."""
    plan = tmp_path / "utf16.txt"
    plan.write_bytes(PLAN.encode("utf-16-le"))
    result = build(runner, tmp_path / "store", plan)
    if result.exit_code == 0:
        assert GOOD_AGENCY in agencies(runner, tmp_path / "store")
    else:
        assert_reported_alone(result, plan, r"UTF-16")
    record("bad files", "UTF-16-LE without BOM", "read, or refused naming UTF-16")


def assert_reported_alone(result: Result, bad: Path, reason: str) -> None:
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert result.exit_code == 1 and len(errors) == 1 and str(bad) in errors[0], result.output
    assert re.search(reason, errors[0]), errors[0]


def test_shift_jis_text_is_not_built_silently_as_mojibake(runner: CliRunner, tmp_path: Path) -> None:
    plan = tmp_path / "sjis.txt"
    plan.write_bytes(PLAN.encode("shift_jis", errors="replace"))
    result = build(runner, tmp_path / "store", SEED_DIR / GOOD_NAME, plan)
    said = [line for line in result.stderr.splitlines() if str(plan) in line]
    assert said and re.search(r"encod|decod|GB18030|mojibake|garbled", said[0]), result.stderr


# ------------------------------------------------------------------ a 200 MB file


def _memory_limit() -> None:  # runs in the child: 2.5 GB of address space is far more than a plan needs
    limit = int(2.5 * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def test_a_200_megabyte_text_file_is_refused_quickly(tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    line = PLAN.encode("utf-8")
    with open(big, "wb") as handle:
        for _ in range(200 * 2**20 // len(line) + 1):
            handle.write(line)
    store = tmp_path / "store"
    cmd = [*KG, "build", str(SEED_DIR / GOOD_NAME), str(big), "--store", str(store)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=8, preexec_fn=_memory_limit)
    except subprocess.TimeoutExpired:
        raise AssertionError("kg build on a 200 MB text file was still running after 8 s") from None
    finally:
        big.unlink()
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert done.returncode == 1 and len(errors) == 1 and str(big) in errors[0], done.stderr
    assert re.search(r"MB|too large|larger than", errors[0]), errors[0]
    assert "MemoryError" not in done.stderr and "Traceback" not in done.stderr
    record("bad files", "200 MB text file", "refused quickly, naming the size limit; the other file built")


# ------------------------------------------------------------------ nothing lost in a folder


def test_a_folder_of_mixed_formats_builds_or_reports_every_file(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "a.txt").write_text(PLAN, encoding="utf-8")
    (folder / "b.html").write_text(scripts_page(article=True), encoding="utf-8")
    result = build(runner, tmp_path / "store", folder)
    assert "2 documents" in result.stdout or "b.html" in result.stderr, result.output
