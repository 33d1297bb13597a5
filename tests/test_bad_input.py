"""The bad-input contract of ``proportion review``, checked end to end on a real subprocess.

For every kind of file a user can wrongly give us the command must exit with status 2, print exactly one line
on stderr (``proportion: error: ...``) that says what is wrong, print no traceback, and write nothing at
``--output`` (and leave a file already there untouched). Every fixture is built here, in ``tmp_path``.
"""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import msoffcrypto
import pytest

from pdf_fixtures import write_encrypted_pdf, write_image_only_pdf, write_truncated_pdf

MIB = 1024 * 1024
# The console script ``proportion`` is ``proportion.cli:run``; calling it through ``-c`` runs the same code
# without depending on where the script was installed.
COMMAND = [sys.executable, "-c", "from proportion.cli import run; run()"]

CLAUSES = (
    "1. DEFINITIONS",
    "1.1 In this Agreement, \u201cServices\u201d means the hosted AI services described in Schedule 1.",
    "2. SERVICES",
    "2.1 The Provider shall provide the Services with reasonable skill and care.",
    "2.2 The Customer shall pay the Fees within thirty days of the date of each invoice.",
    "3. LIABILITY",
    "3.1 Neither party limits its liability for death or personal injury caused by its negligence.",
)


# --- running the command ------------------------------------------------------------------------------------


def run_review(path: Path, output: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, "review", str(path), "--output", str(output), *options],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=120,
        check=False,
    )


def assert_refused(result: subprocess.CompletedProcess[str], output: Path, *keywords: str) -> str:
    """The contract for bad input; returns the one error line. Each keyword (any case) must be in it."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    context = f"status {result.returncode}\nstderr:\n{result.stderr}\nstdout:\n{result.stdout[:2000]}"
    assert "Traceback" not in result.stderr, context
    assert result.returncode == 2, context
    assert len(lines) == 1, context
    line = lines[0]
    assert line.startswith("proportion: error: "), context
    for keyword in keywords:
        assert keyword.lower() in line.lower(), f"{keyword!r} not in {line!r}"
    assert not output.exists(), f"{output} was written although the input was refused"
    leftovers = [p.name for p in output.parent.iterdir() if p.name.startswith(f".{output.name}.")]
    assert not leftovers, f"temporary files left beside the output: {leftovers}"
    return line


# --- fixtures -----------------------------------------------------------------------------------------------


def docx_bytes() -> bytes:
    """A small valid agreement written by python-docx."""
    document = docx.Document()
    document.add_heading("AI Services Agreement", level=0)
    for text in CLAUSES:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rewrite_docx(data: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    """A copy of the DOCX package ``data`` with part ``name`` replaced by ``change(old bytes)``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            content = source.read(info.filename)
            out.writestr(info.filename, change(content) if info.filename == name else content)
    return buffer.getvalue()


def with_doctype(document_xml: bytes, doctype: bytes, entity: bytes) -> bytes:
    """Insert ``doctype`` after the XML declaration and use ``entity`` as the text of the first w:t."""
    declaration_end = document_xml.index(b"?>") + 2 if document_xml.startswith(b"<?xml") else 0
    xml = document_xml[:declaration_end] + b"\n" + doctype + document_xml[declaration_end:]
    start = xml.index(b"<w:t")
    text_start = xml.index(b">", start) + 1
    text_end = xml.index(b"</w:t>", text_start)
    return xml[:text_start] + entity + xml[text_end:]


def zip_of_one_member(path: Path, name: str, size_mib: int, fill: bytes) -> Path:
    """A zip whose only member ``name`` unpacks to ``size_mib`` MiB of ``fill``, written 1 MiB at a time."""
    chunk = fill * (MIB // len(fill))
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(name, "w", force_zip64=True) as stream,
    ):
        for _ in range(size_mib):
            stream.write(chunk)
    return path


def make_empty(directory: Path) -> Path:
    path = directory / "contract.docx"
    path.write_bytes(b"")
    return path


def make_whitespace(directory: Path) -> Path:
    path = directory / "contract.txt"
    path.write_bytes(b"  \n\t\r\n   \n\n")
    return path


def make_png(directory: Path) -> Path:
    from PIL import Image  # fpdf2 depends on Pillow

    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), "white").save(buffer, format="PNG")
    path = directory / "contract.png"
    path.write_bytes(buffer.getvalue())
    return path


def make_plain_zip(directory: Path) -> Path:
    path = directory / "contract.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("notes/readme.txt", "An archive of something, but not a Word document.\n")
        archive.writestr("notes/data.csv", "a,b\n1,2\n")
    return path


_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
}


def make_xlsx_like(directory: Path) -> Path:
    """An OOXML spreadsheet package (content types, relationships, xl/ parts) but no word/ part."""
    path = directory / "contract.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in _XLSX_PARTS.items():
            archive.writestr(name, content)
    return path


def make_garbage_named_docx(directory: Path) -> Path:
    path = directory / "contract.docx"
    path.write_bytes(random.Random(20240601).randbytes(64 * 1024))
    return path


def make_text_named_docx(directory: Path) -> Path:
    path = directory / "contract.docx"
    path.write_text("1. The Supplier will provide the services.\n", encoding="utf-8")
    return path


def make_truncated_docx(directory: Path) -> Path:
    data = docx_bytes()
    path = directory / "contract.docx"
    path.write_bytes(data[: len(data) // 2])
    return path


def make_corrupt_docx(directory: Path) -> Path:
    data = rewrite_docx(
        docx_bytes(), "word/document.xml", lambda xml: xml[: len(xml) // 2] + b"<w:p><w:r><w:t>unclosed & broken"
    )
    path = directory / "contract.docx"
    path.write_bytes(data)
    return path


def make_encrypted_docx(directory: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(docx_bytes())).encrypt("secret", encrypted)
    path = directory / "contract.docx"
    path.write_bytes(encrypted.getvalue())
    return path


def make_encrypted_pdf(directory: Path) -> Path:
    return write_encrypted_pdf(directory)


def make_truncated_pdf(directory: Path) -> Path:
    return write_truncated_pdf(directory)


def make_image_only_pdf(directory: Path) -> Path:
    return write_image_only_pdf(directory)


def make_big_zip_bomb(directory: Path) -> Path:
    """300 MiB of spaces as word/document.xml: about 300 KB on disk, over the 200 MiB unpacked limit."""
    return zip_of_one_member(directory / "contract.docx", "word/document.xml", 300, b" ")


def make_ratio_zip_bomb(directory: Path) -> Path:
    """50 MiB of zeros (under the size limit) compressed about 1000:1, over the 100:1 ratio limit."""
    return zip_of_one_member(directory / "contract.docx", "word/document.xml", 50, b"\x00")


def make_xxe_docx(directory: Path) -> Path:
    doctype = b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    data = rewrite_docx(docx_bytes(), "word/document.xml", lambda xml: with_doctype(xml, doctype, b"&xxe;"))
    path = directory / "contract.docx"
    path.write_bytes(data)
    return path


def make_xxe_utf16_docx(directory: Path) -> Path:
    """The XXE document saved as UTF-16, as XML allows: the DTD must be refused whatever the encoding."""
    doctype = b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'

    def change(xml: bytes) -> bytes:
        text = with_doctype(xml, doctype, b"&xxe;").decode("utf-8")
        return text.replace('encoding="UTF-8"', 'encoding="UTF-16"', 1).encode("utf-16")

    path = directory / "contract.docx"
    path.write_bytes(rewrite_docx(docx_bytes(), "word/document.xml", change))
    return path


def make_billion_laughs_docx(directory: Path) -> Path:
    entities = [b'<!ENTITY lol0 "lol">']
    entities += [f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">'.encode() for n in range(1, 10)]
    doctype = b"<!DOCTYPE w:document [" + b"".join(entities) + b"]>"
    data = rewrite_docx(docx_bytes(), "word/document.xml", lambda xml: with_doctype(xml, doctype, b"&lol9;"))
    path = directory / "contract.docx"
    path.write_bytes(data)
    return path


def make_missing(directory: Path) -> Path:
    return directory / "no-such-folder" / "contract.docx"


def make_directory(directory: Path) -> Path:
    path = directory / "agreements.docx"
    path.mkdir()
    return path


# Each case: fixture builder, extra options, keywords the error line must contain.
CASES: dict[str, tuple[Callable[[Path], Path], tuple[str, ...], tuple[str, ...]]] = {
    "empty-file": (make_empty, (), ("empty",)),
    "whitespace-only": (make_whitespace, (), ("empty",)),
    "png": (make_png, (), ("unsupported",)),
    "plain-zip": (make_plain_zip, (), ("zip", "not a Word document")),
    "xlsx-like-zip": (make_xlsx_like, (), ("not a Word document",)),
    "garbage-named-docx": (make_garbage_named_docx, (), ("unsupported", ".docx")),
    "text-named-docx": (make_text_named_docx, (), ("named .docx", "plain text")),
    "truncated-docx": (make_truncated_docx, (), ("damaged",)),
    "corrupt-docx-xml": (make_corrupt_docx, (), ("damaged", "not well-formed")),
    "password-docx": (make_encrypted_docx, (), ("password",)),
    "password-pdf": (make_encrypted_pdf, (), ("password",)),
    "truncated-pdf": (make_truncated_pdf, (), ("damaged",)),
    "image-only-pdf": (make_image_only_pdf, (), ("no text layer",)),
    "zip-bomb-size": (make_big_zip_bomb, (), ("zip bomb", "--max-unzipped-mb")),
    "zip-bomb-ratio": (make_ratio_zip_bomb, (), ("zip bomb", "compresses")),
    "xxe-entity": (make_xxe_docx, (), ("DTD", "entities")),
    "xxe-entity-utf16": (make_xxe_utf16_docx, (), ("DTD", "entities")),
    "billion-laughs": (make_billion_laughs_docx, (), ("DTD", "entities")),
    "over-size-limit": (lambda d: write_text(d, 2 * MIB), ("--max-file-mb", "1"), ("limit", "--max-file-mb")),
    "missing-path": (make_missing, (), ("does not exist",)),
    "directory-path": (make_directory, (), ("directory",)),
}


def write_text(directory: Path, size: int) -> Path:
    """A valid UTF-8 agreement of about ``size`` bytes (the clauses repeated)."""
    body = "\n\n".join(CLAUSES) + "\n\n"
    path = directory / "contract.txt"
    path.write_text(body * (size // len(body.encode()) + 1), encoding="utf-8")
    return path


# --- the tests ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_refused_with_one_line(tmp_path: Path, case: str) -> None:
    make, options, keywords = CASES[case]
    inputs = tmp_path / "in"
    inputs.mkdir()
    outputs = tmp_path / "out"
    outputs.mkdir()
    path = make(inputs)
    output = outputs / "report.txt"

    result = run_review(path, output, *options)

    assert_refused(result, output, *keywords)
    assert result.stdout == "", result.stdout


@pytest.mark.parametrize("case", ["xxe-entity", "xxe-entity-utf16", "billion-laughs"])
def test_entities_are_never_expanded(tmp_path: Path, case: str) -> None:
    make, _, _ = CASES[case]
    path = make(tmp_path)
    result = run_review(path, tmp_path / "report.txt", "--format", "json")
    everything = result.stdout + result.stderr
    assert "root:" not in everything
    assert "lollollol" not in everything
    assert result.returncode == 2


def test_existing_output_is_left_untouched(tmp_path: Path) -> None:
    output = tmp_path / "report.json"
    before = b'{"schema": "proportion.review/1", "note": "an earlier report that must survive"}\n'
    output.write_bytes(before)
    path = make_truncated_docx(tmp_path)

    result = run_review(path, output, "--format", "json")

    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1 and lines[0].startswith("proportion: error: "), result.stderr
    assert "Traceback" not in result.stderr
    assert output.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contract.docx", "report.json"]


def test_output_that_is_a_directory_is_a_usage_error(tmp_path: Path) -> None:
    """``--output`` naming a folder is the user's mistake: status 2 and one line, not an internal error."""
    path = write_text(tmp_path, 1000)
    output = tmp_path / "reports"
    output.mkdir()

    result = run_review(path, output)

    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1 and lines[0].startswith("proportion: error: "), result.stderr
    assert "directory" in lines[0].lower() or "folder" in lines[0].lower(), lines[0]
    assert list(output.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contract.txt", "reports"]


def test_non_utf8_text_needs_an_encoding(tmp_path: Path) -> None:
    path = tmp_path / "contract.txt"
    text = "\n\n".join(CLAUSES) + "\n\n4.1 The \u201cFees\u201d are set out in Schedule 2 \u2013 Pricing.\n"
    path.write_bytes(text.encode("cp1252"))
    assert b"\x93" in path.read_bytes() and b"\x94" in path.read_bytes()
    output = tmp_path / "report.txt"

    refused = run_review(path, output)
    line = assert_refused(refused, output, "UTF-8", "--encoding")
    assert "0x93" in line

    accepted = run_review(path, output, "--encoding", "cp1252")
    assert accepted.returncode == 0, accepted.stderr
    assert "Traceback" not in accepted.stderr
    assert output.is_file()
    report = output.read_text(encoding="utf-8")
    assert "Services" in report


def test_valid_docx_gives_a_json_report(tmp_path: Path) -> None:
    path = tmp_path / "contract.docx"
    path.write_bytes(docx_bytes())
    output = tmp_path / "report.json"

    result = run_review(path, output, "--format", "json")

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(output.read_text(encoding="utf-8"))
    assert report["schema"] == "proportion.review/1"
    assert report["document"]["format"] == "docx"
    assert "reasonable skill and care" in report["document"]["text"]


def test_encrypted_docx_fixture_is_really_encrypted(tmp_path: Path) -> None:
    """Guards the password case: the fixture must be an encrypted OLE package, not a plain DOCX."""
    with make_encrypted_docx(tmp_path).open("rb") as stream:
        office = msoffcrypto.OfficeFile(stream)
        assert office.is_encrypted()
