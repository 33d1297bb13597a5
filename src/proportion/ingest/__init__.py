"""Ingest: any supported file -> :class:`~proportion.models.SourceDocument`.

The type is sniffed from the content (the extension only breaks ties between text formats), then the reader
registered for it runs. Every failure a user can cause is an :class:`~proportion.errors.InputError`.
"""

from __future__ import annotations

import codecs
import importlib
import stat
from pathlib import Path

from proportion.errors import InputError
from proportion.ingest.base import MIB, Limits
from proportion.models import SourceDocument

__all__ = ["READERS", "Limits", "load_bytes", "read_bytes", "read_document", "sniff"]

# Format -> "module:function". Readers are imported on first use, so that reading a text file never loads
# the PDF engine. A reader takes (data, limits) and, for text formats, an encoding keyword.
READERS: dict[str, str] = {
    "docx": "proportion.ingest.docx:read_docx",
    "pdf": "proportion.ingest.pdf:read_pdf",
    "html": "proportion.ingest.markup:read_html",
    "markdown": "proportion.ingest.markup:read_markdown",
    "text": "proportion.ingest.text:read_text",
}
_TEXT_FORMATS = {"html", "markdown", "text"}

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_TEXT_SUFFIXES = {".txt", ".text", ""}
_BINARY_SUFFIXES = {".docx", ".pdf", ".doc", ".docm", ".dotx"}
"""Names that promise a binary format: text content under one of them is a damaged or misnamed file."""


def sniff(data: bytes, suffix: str = "") -> str:
    """The format of a file from its first bytes; ``suffix`` only separates Markdown and HTML from text."""
    suffix = suffix.lower()
    head = data[:2048]
    if head.lstrip(b"\x00\t\r\n ").startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in data[:200_000] or b"[Content_Types].xml" in data[:4096]:
            return "docx"
        raise InputError(
            "P111",
            "the file is a zip archive, not a Word document; unpack it or save the "
            "agreement as .docx, .pdf, .html, .md or .txt",
        )
    if head.startswith(_OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise InputError(
                "P114",
                "the DOCX is password-protected; remove the password in Word "
                "(File > Info > Protect Document) and try again",
            )
        raise InputError(
            "P115",
            "the file is a legacy Word 97-2003 (.doc) or other OLE file; save it as .docx and try again",
        )
    if _looks_binary(head):
        named = f" is named {suffix} but" if suffix and suffix not in _TEXT_SUFFIXES else ""
        raise InputError(
            "P101",
            f"unsupported file type: the file{named} holds binary data that is not DOCX, PDF, HTML, Markdown or text",
        )
    if suffix in _BINARY_SUFFIXES:
        raise InputError(
            "P101",
            f"the file is named {suffix} but holds plain text, not a {suffix[1:].upper()} document; "
            "re-save it from the program that made it, or rename it .txt to read it as text",
        )
    lowered = head.lower()
    if (
        suffix in _HTML_SUFFIXES
        or lowered.lstrip().startswith((b"<!doctype html", b"<html", b"<?xml"))
        or b"<body" in lowered
    ):
        return "html"
    if suffix in _MARKDOWN_SUFFIXES:
        return "markdown"
    return "text"


def _looks_binary(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    return controls > max(4, len(head) // 50)


def read_bytes(
    data: bytes, suffix: str = "", limits: Limits | None = None, encoding: str | None = None
) -> SourceDocument:
    """Read a document held in memory (``suffix`` like ``.md`` helps tell text formats apart)."""
    limits = limits or Limits()
    if not data.strip():
        raise InputError("P100", "the file is empty; nothing to review")
    if len(data) > limits.max_file_bytes:
        raise _too_large(len(data), limits)
    document_format = sniff(data, suffix)
    module_name, function_name = READERS[document_format].split(":")
    reader = getattr(importlib.import_module(module_name), function_name)
    document: SourceDocument = (
        reader(data, limits, encoding=encoding) if document_format in _TEXT_FORMATS else reader(data, limits)
    )
    if not document.text.strip() or not document.blocks:
        raise InputError("P103", f"no text found in the {document.format.upper()} file; nothing to review")
    return document


def _too_large(size: int, limits: Limits) -> InputError:
    return InputError(
        "P102",
        f"the file is {size / MIB:.1f} MiB, over the {limits.max_file_bytes / MIB:g} MiB limit; "
        "raise it with --max-file-mb",
    )


def load_bytes(path: str | Path, limits: Limits | None = None) -> bytes:
    """The bytes of a regular file, never reading more than the size limit (devices and pipes are refused)."""
    path = Path(path)
    limits = limits or Limits()
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise InputError("P104", "it is a directory; give the path of one agreement file")
        if not stat.S_ISREG(mode):
            raise InputError("P104", "it is not a regular file (a device or pipe?); give an agreement file")
        with path.open("rb") as stream:
            data = stream.read(limits.max_file_bytes + 1)
    except FileNotFoundError as error:
        raise InputError("P104", "the file does not exist; check the path") from error
    except PermissionError as error:
        raise InputError("P104", "the file cannot be read (permission denied)") from error
    except OSError as error:
        raise InputError("P104", f"the file cannot be read ({error.strerror or error})") from error
    if len(data) > limits.max_file_bytes:
        raise _too_large(path.stat().st_size, limits)
    return data


def read_document(path: str | Path, limits: Limits | None = None, encoding: str | None = None) -> SourceDocument:
    """Read a file from disk; see :func:`read_bytes`."""
    return read_bytes(load_bytes(path, limits), Path(path).suffix, limits, encoding)
