"""Open a DOCX in a real word processor (LibreOffice, headless) and report what it sees.

    from libreoffice import inspect_docx

    view = inspect_docx(path)      # LibreOfficeView; raises LibreOfficeLoadError if the file does not load
    view.redlines                  # tracked changes as loaded: type ("Insert", "Delete", "Format", ...), author...
    view.comments                  # comments: author, text and the text they are anchored to
    view.text                      # the text after "accept all changes", "label<TAB>text" for numbered paragraphs
    view.text_rejected             # the text after "reject all changes"

LibreOffice comes from Debian's ``libreoffice-writer-nogui`` and ``python3-uno``. :func:`ensure_libreoffice`
installs them when they are missing and the tests run as root with apt (as in CI); anywhere else it fails
with the command to run. A developer without LibreOffice can set ``PROPORTION_SKIP_LIBREOFFICE=1`` to skip
these tests instead (ignored when ``CI`` is set, so CI never skips them silently), or deselect them with
``pytest -m "not libreoffice"``.

The UNO work runs in ``tests/lo_inspect.py`` under the system ``/usr/bin/python3`` (the ``uno`` module is
not in the venv); its docstring says how a document is read and which LibreOffice quirks that works around.
One such process, with one soffice, serves the whole test session: the first document pays for starting
soffice (about 1.3 s), a further short document takes 0.15-0.3 s and a 160-paragraph agreement about 0.8 s
(load, accept all, reload, reject all). Every request has a time limit; on a timeout both the script and
soffice are killed (each by its process group) and the next request starts afresh. The process ends with
the session (``atexit``) or with :func:`shutdown_libreoffice`.

Only the main text is read: body paragraphs and table cells (row by row), not headers, footers, footnotes
or text boxes.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pytest

SYSTEM_PYTHON = "/usr/bin/python3"
SCRIPT = Path(__file__).resolve().with_name("lo_inspect.py")
PACKAGES = ("libreoffice-writer-nogui", "python3-uno")
SKIP_VARIABLE = "PROPORTION_SKIP_LIBREOFFICE"
START_TIMEOUT = 120.0  # the script's own connect timeout is 90 s
DOCUMENT_TIMEOUT = 120.0
INSTALL_TIMEOUT = 1800.0
_PREFIX = "LOJSON "


class LibreOfficeError(RuntimeError):
    """LibreOffice is missing, failed to start, crashed or timed out."""


class LibreOfficeLoadError(LibreOfficeError):
    """LibreOffice refused to load the document."""


@dataclass(frozen=True, slots=True)
class Redline:
    """One tracked change as LibreOffice loaded it."""

    type: str  # "Insert", "Delete", "Format", "ParagraphFormat", "TextTable", ...
    author: str
    date: str | None  # ISO 8601 as LibreOffice holds it (a DOCX "Z" is dropped: "2026-01-01T09:00:00")
    text: str | None  # the changed text; "\n" marks a paragraph end inside the change
    comment: str = ""


@dataclass(frozen=True, slots=True)
class Comment:
    author: str
    text: str
    anchor: str  # the commented text ("" for a comment at a point)
    initials: str = ""
    date: str | None = None
    resolved: bool = False


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    label: str = ""  # the list label LibreOffice shows ("1.", "(a)"), "" when none
    style: str = ""  # LibreOffice's name for the paragraph style ("Standard" is Word's "Normal")
    level: int | None = None
    table: str | None = None  # "Table1.B2" for a paragraph in a table cell

    @property
    def line(self) -> str:
        return f"{self.label}\t{self.text}" if self.label else self.text


@dataclass(frozen=True, slots=True)
class LibreOfficeView:
    """What LibreOffice sees in one DOCX."""

    path: Path
    loaded: bool
    redlines: list[Redline] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    text: str = ""  # after accepting all changes: paragraphs joined by "\n", "label\ttext" where labelled
    text_rejected: str = ""  # after rejecting all changes (on a fresh load), the same way
    paragraphs: list[Paragraph] = field(default_factory=list)  # after accepting all changes
    paragraphs_rejected: list[Paragraph] = field(default_factory=list)
    paragraphs_as_loaded: list[Paragraph] = field(default_factory=list)  # with as_loaded=True: before any accept
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0  # LibreOffice's time on this document (loads, accept, reject), startup excluded

    @property
    def authors(self) -> set[str]:
        return {redline.author for redline in self.redlines} | {comment.author for comment in self.comments}

    def body_text(self, rejected: bool = False) -> str:
        """The accepted (or rejected) text laid out as proportion's reader does, tables left out: one line a
        non-blank paragraph, its text stripped, ``label<TAB>text`` where it has a list label."""
        paragraphs = self.paragraphs_rejected if rejected else self.paragraphs
        lines = (Paragraph(p.text.strip(), p.label) for p in paragraphs if p.table is None and p.text.strip())
        return "\n".join(line.line for line in lines)


# --- installing -----------------------------------------------------------------------------------------

_ready = False
_install_lock = threading.Lock()


def _missing_packages() -> list[str]:
    missing = []
    if shutil.which("soffice") is None:
        missing.append("libreoffice-writer-nogui")
    has_uno = os.path.exists(SYSTEM_PYTHON) and (
        subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, timeout=60).returncode == 0
    )
    if not has_uno:
        missing.append("python3-uno")
    return missing


def _truthy(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")


def _apt(*arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(
        ["apt-get", *arguments],
        capture_output=True,
        text=True,
        env=environment,
        stdin=subprocess.DEVNULL,
        timeout=INSTALL_TIMEOUT,
    )


def ensure_libreoffice() -> None:
    """Make sure soffice and Debian's python3 ``uno`` module are there, installing them with apt if need be.

    Raises :class:`LibreOfficeError` when they are missing and cannot be installed (not root, no apt-get,
    apt failed). With ``PROPORTION_SKIP_LIBREOFFICE=1`` and no ``CI`` variable, a missing LibreOffice skips
    the calling test instead of being installed.
    """
    global _ready
    if _ready:
        return
    with _install_lock:
        if _ready:
            return
        missing = _missing_packages()
        if missing and _truthy(SKIP_VARIABLE) and not _truthy("CI"):
            pytest.skip(f"LibreOffice is not installed ({' '.join(missing)}) and {SKIP_VARIABLE} is set")
        if missing:
            _install(missing)
            still = _missing_packages()
            if still:
                raise LibreOfficeError(f"apt-get installed LibreOffice but {' '.join(still)} is still missing")
        _ready = True


def _install(missing: list[str]) -> None:
    command = f"apt-get install -y --no-install-recommends {' '.join(PACKAGES)}"
    advice = (
        f"LibreOffice is needed by the tests marked 'libreoffice' but {' '.join(missing)} is missing. "
        f"Install it with `sudo {command}`, or set {SKIP_VARIABLE}=1 to skip those tests on this machine "
        '(or run pytest -m "not libreoffice").'
    )
    if os.name != "posix" or shutil.which("apt-get") is None:
        raise LibreOfficeError(advice + " (this machine has no apt-get, so the tests cannot install it)")
    if os.geteuid() != 0:
        raise LibreOfficeError(advice + " (the tests install it themselves only when run as root)")
    completed = _apt("install", "-y", "--no-install-recommends", *PACKAGES)
    if completed.returncode != 0:
        update = _apt("update")
        if update.returncode != 0:
            raise LibreOfficeError(f"apt-get update failed:\n{_tail(update.stdout + update.stderr)}")
        completed = _apt("install", "-y", "--no-install-recommends", *PACKAGES)
    if completed.returncode != 0:
        raise LibreOfficeError(f"`{command}` failed:\n{_tail(completed.stdout + completed.stderr)}")


def _tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


# --- the server -----------------------------------------------------------------------------------------


class LibreOfficeServer:
    """One ``lo_inspect.py --serve`` process (and its soffice) that inspects documents one after another."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._stderr: IO[bytes] | None = None
        self._folder: str | None = None
        self.soffice_pid: int | None = None
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _start(self) -> None:
        self._lines = queue.Queue()
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - open while the helper runs
        self._folder = tempfile.mkdtemp(prefix="proportion-lo-")
        self._process = subprocess.Popen(
            [SYSTEM_PYTHON, str(SCRIPT), "--parent", self._folder, "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
            start_new_session=True,  # its own process group: killed as one on a timeout
        )
        threading.Thread(target=self._read, args=(self._process.stdout, self._lines), daemon=True).start()
        hello = self._receive(START_TIMEOUT, "start")
        self.soffice_pid = int(hello["soffice_pid"])

    @staticmethod
    def _read(stream: IO[str] | None, lines: queue.Queue[str | None]) -> None:
        if stream is not None:
            for line in stream:
                if line.startswith(_PREFIX):
                    lines.put(line[len(_PREFIX) :])
        lines.put(None)

    def _receive(self, timeout: float, doing: str) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            log = self._log()
            self.kill()
            raise LibreOfficeError(f"LibreOffice did not {doing} within {timeout:g} s; killed it.\n{log}") from None
        if line is None:
            log = self._log()
            self.kill()
            raise LibreOfficeError(f"the LibreOffice helper exited during {doing}.\n{log}")
        payload: dict[str, Any] = json.loads(line)
        return payload

    def _log(self) -> str:
        if self._stderr is None:
            return ""
        with contextlib.suppress(OSError, ValueError):
            self._stderr.seek(0)
            return _tail(self._stderr.read().decode("utf-8", "replace"))
        return ""

    def inspect(self, path: Path, timeout: float = DOCUMENT_TIMEOUT, as_loaded: bool = False) -> dict[str, Any]:
        """The raw JSON report of ``lo_inspect.py`` for one file."""
        with self._lock:
            if not self.running:
                self.kill()
                self._start()
            assert self._process is not None and self._process.stdin is not None
            try:
                request = {"path": str(Path(path).resolve()), "as_loaded": as_loaded}
                self._process.stdin.write(json.dumps(request) + "\n")
                self._process.stdin.flush()
            except OSError as error:
                log = self._log()
                self.kill()
                raise LibreOfficeError(f"the LibreOffice helper is gone ({error}).\n{log}") from None
            report = self._receive(timeout, f"inspect {path}")
            self.soffice_pid = report.get("soffice_pid", self.soffice_pid)
            return report

    def close(self, timeout: float = 30.0) -> None:
        """Ask the helper to stop soffice and exit; kill both if that takes longer than ``timeout``."""
        with self._lock:
            process = self._process
            if process is None:
                return
            if process.poll() is None and process.stdin is not None:
                with contextlib.suppress(OSError, ValueError):
                    process.stdin.write(json.dumps({"quit": True}) + "\n")
                    process.stdin.close()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=timeout)
            self.kill()

    def kill(self) -> None:
        """End the helper and soffice at once (each is a process group of its own, its leader's pid), and wait
        until soffice is gone."""
        process, self._process = self._process, None
        soffice, self.soffice_pid = self.soffice_pid, None
        if soffice is not None and _is_soffice(soffice):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(soffice, signal.SIGKILL)
        if process is not None:
            if process.poll() is None:  # not yet reaped, so the pid is still this helper's
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError, ValueError):
                        stream.close()
        if soffice is not None:
            deadline = time.monotonic() + 10
            while process_alive(soffice) and time.monotonic() < deadline:
                time.sleep(0.02)
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def process_alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie (Linux /proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    fields = stat.rsplit(")", 1)[-1].split()
    return bool(fields) and fields[0] not in ("Z", "X")


def _is_soffice(pid: int) -> bool:
    """Whether ``pid`` is still a LibreOffice process (not a reused pid), so that it is safe to kill."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"soffice" in command or b"oosplash" in command


_server: LibreOfficeServer | None = None


def libreoffice_server() -> LibreOfficeServer:
    """The session's server (started by its first request)."""
    global _server
    if _server is None:
        _server = LibreOfficeServer()
        atexit.register(_server.close)
    return _server


def shutdown_libreoffice() -> None:
    """Stop the session's soffice now (the next :func:`inspect_docx` starts a new one)."""
    if _server is not None:
        _server.close()


# --- the view -------------------------------------------------------------------------------------------


def _paragraphs(raw: list[dict[str, Any]] | None) -> list[Paragraph]:
    return [
        Paragraph(text=item["text"], label=item["label"], style=item["style"], level=item["level"], table=item["table"])
        for item in raw or []
    ]


def view_from_report(path: Path, report: dict[str, Any]) -> LibreOfficeView:
    return LibreOfficeView(
        path=path,
        loaded=bool(report.get("loaded")),
        redlines=[
            Redline(type=r["type"], author=r["author"], date=r["date"], text=r["text"], comment=r["comment"])
            for r in report.get("redlines", [])
        ],
        comments=[
            Comment(
                author=c["author"],
                text=c["text"],
                anchor=c["anchor"],
                initials=c["initials"],
                date=c["date"],
                resolved=c["resolved"],
            )
            for c in report.get("comments", [])
        ],
        text=report.get("text", ""),
        text_rejected=report.get("text_rejected", ""),
        paragraphs=_paragraphs(report.get("paragraphs")),
        paragraphs_rejected=_paragraphs(report.get("paragraphs_rejected")),
        paragraphs_as_loaded=_paragraphs(report.get("paragraphs_as_loaded")),
        warnings=list(report.get("warnings", [])),
        error=report.get("error"),
        seconds=float(report.get("seconds", 0.0)),
    )


def inspect_docx(
    path: Path, *, must_load: bool = True, as_loaded: bool = False, timeout: float = DOCUMENT_TIMEOUT
) -> LibreOfficeView:
    """Open ``path`` in LibreOffice and report what it sees (see the module docstring).

    Raises :class:`LibreOfficeLoadError` when LibreOffice cannot load the file (with ``must_load=False``
    a view with ``loaded=False`` and the ``error`` is returned instead), :class:`LibreOfficeError` when
    LibreOffice is missing, crashes or takes longer than ``timeout`` seconds. ``as_loaded`` also fills
    ``paragraphs_as_loaded`` (one more pass over the document).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(path)
    ensure_libreoffice()
    report = libreoffice_server().inspect(path, timeout=timeout, as_loaded=as_loaded)
    if report.get("crashed"):
        raise LibreOfficeError(f"LibreOffice crashed on {path}: {report.get('error')}")
    view = view_from_report(path, report)
    if not view.loaded and must_load:
        raise LibreOfficeLoadError(view.error or f"LibreOffice could not load {path}")
    return view
