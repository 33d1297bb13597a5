# mypy: ignore-errors
"""Report what LibreOffice sees in a DOCX, as JSON. Runs under Debian's /usr/bin/python3 (it imports ``uno``).

Not a test and not for the project's venv: ``tests/libreoffice.py`` starts it in a subprocess.

    /usr/bin/python3 tests/lo_inspect.py FILE.docx [...]   # one JSON report per file, one per line
    /usr/bin/python3 tests/lo_inspect.py --serve            # one soffice for many files (see below)

``--parent DIR`` first puts the private profile inside DIR (the caller removes DIR even after a SIGKILL).

It starts ``soffice --headless`` with a private user profile in a temporary folder and talks to it over a
named pipe (no TCP socket, so no network). In ``--serve`` mode it first prints
``LOJSON {"ready": true, "soffice_pid": N}``, then reads one JSON request a line from stdin
(``{"path": "/abs/file.docx", "as_loaded": false}``) and answers each with one line
``LOJSON {...report...}``; it stops on end of input or ``{"quit": true}``. Only lines starting with
``LOJSON `` belong to the protocol.

soffice runs in a process group of its own (its pid is the group id; every report carries it as
``soffice_pid`` so the caller can kill the group if this script hangs) and is always ended when this script
ends: by ``Desktop.terminate()`` first, then SIGKILL to the group. If a document kills soffice, that
document's report says so and the next request starts a fresh one.

How a document is read (LibreOffice 7.4, Debian's ``-nogui`` packages):

1. The file is copied into the private profile folder (LibreOffice writes ``.~lock.NAME#`` beside a file it
   opens with a view; a stale lock from a killed soffice silently opens the next load read-only, where
   every change-tracking command fails).
2. A ``com.sun.star.text.TextDocument`` model is created and ``XLoadable.load`` reads the copy with the
   ``MS Word 2007 XML`` filter: no frame, no window. A file the filter refuses raises here (``loaded`` is
   false and ``error`` says why).
3. ``getRedlines()`` gives the tracked changes (``RedlineType``, ``RedlineAuthor``, ``RedlineDateTime``,
   and the text between ``RedlineStart`` and ``RedlineEnd``); ``getTextFields()`` gives the comments
   (``textfield.Annotation``: ``Author``, ``Content``, ``getAnchor().getString()``).
4. Comments are removed, a hidden view is attached (``loadComponentFromURL("private:object")`` with the
   model) and ``.uno:AcceptAllTrackedChanges`` is dispatched to its frame; the body's paragraphs (and
   table cells) are read with their ``ListLabelString``. A second fresh load does the same with
   ``.uno:RejectAllTrackedChanges``. Comments must go first: Writer's view makes a sidebar window per
   comment from a .ui file that the ``-nogui`` packages do not ship, and soffice aborts.

A report: ``loaded`` and ``error``; ``redlines`` (type, author, date, text, comment) and ``comments``
(author, initials, date, text, anchor, resolved) as loaded; ``paragraphs`` after accepting all changes
(text, label, style, level, table) with ``text`` their join (``label + "\\t" + text`` where LibreOffice
shows a list label, else the text; table cells row by row, one paragraph a line); the same after rejecting
all changes (``paragraphs_rejected``, ``text_rejected``); ``paragraphs_as_loaded`` with deleted and
inserted text both present (only when the request asks for ``as_loaded``: it costs another pass);
``warnings`` for anything that did not behave; ``seconds`` spent on the document.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import uuid

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"
DOCX_FILTER = "MS Word 2007 XML"
CONNECT_TIMEOUT = 90.0
PREFIX = "LOJSON "


def _props(**values):
    return tuple(PropertyValue(Name=name, Value=value) for name, value in values.items())


def _iso(value):
    """A com.sun.star.util.DateTime as ISO 8601 (with Z when LibreOffice marks it UTC)."""
    if value is None or not getattr(value, "Year", 0):
        return None
    text = (
        f"{value.Year:04d}-{value.Month:02d}-{value.Day:02d}T{value.Hours:02d}:{value.Minutes:02d}:{value.Seconds:02d}"
    )
    return text + ("Z" if getattr(value, "IsUTC", False) else "")


class Office:
    """One soffice process and the UNO bridge to it."""

    def __init__(self, parent=None):
        self.profile = tempfile.mkdtemp(prefix="proportion-lo-", dir=parent)
        self.pipe = f"proportion_lo_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        self.process = None
        self.desktop = None
        self.context = None

    def start(self):
        profile_url = uno.systemPathToFileUrl(os.path.join(self.profile, "user"))
        command = [
            SOFFICE,
            f"-env:UserInstallation={profile_url}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--norestore",
            "--nolockcheck",
            "--nofirststartwizard",
            f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext",
        ]
        log = open(os.path.join(self.profile, "soffice.log"), "wb")  # noqa: SIM115 - the child keeps it
        self.process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True, close_fds=True
        )
        log.close()
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + CONNECT_TIMEOUT
        while True:
            try:
                self.context = resolver.resolve(f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                if self.process.poll() is not None:
                    raise RuntimeError(f"soffice exited with {self.process.returncode} before accepting") from None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"soffice did not accept a connection within {CONNECT_TIMEOUT:g}s") from None
                time.sleep(0.1)
        self.desktop = self.context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", self.context)
        return self

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def stop(self):
        if self.process is not None:
            if self.process.poll() is None and self.desktop is not None:
                # The bridge goes away while terminate() returns: an exception here is the normal case.
                with contextlib.suppress(Exception):
                    self.desktop.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)  # oosplash and soffice.bin share the group
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
            self.process = None
        self.desktop = None
        self.context = None
        shutil.rmtree(self.profile, ignore_errors=True)

    # --- one document -------------------------------------------------------------------------------------

    def load(self, path):
        """The document model, loaded without a view (no frame, no window, no lock file)."""
        url = uno.systemPathToFileUrl(os.path.abspath(path))
        model = self.context.ServiceManager.createInstanceWithContext("com.sun.star.text.TextDocument", self.context)
        try:
            model.load(_props(URL=url, FilterName=DOCX_FILTER, Hidden=True, MacroExecutionMode=0, UpdateDocMode=0))
        except Exception as error:  # IOException, WrongFormatException, IllegalArgumentException from the filter
            _close(model)
            message = getattr(error, "Message", "") or str(error)
            raise LoadError(f"{type(error).__name__}: {message}".rstrip(": ")) from None
        return model

    def settle(self, model, command):
        """Run "accept all" or "reject all" as a user would: through the dispatcher of a hidden view.

        Writer's view builds a sidebar window for every comment, and the ``-nogui`` packages ship no Writer
        .ui files, so that window aborts soffice: comments are removed from the model before the view exists
        (they have been read already, and removing them changes no text). With no tracked change there is nothing
        to settle (and the dispatch would report failure).
        """
        if not redlines(model):
            return
        model.setPropertyValue("RecordChanges", False)
        fields = model.getTextFields().createEnumeration()
        annotations = []
        while fields.hasMoreElements():
            field = fields.nextElement()
            if field.supportsService("com.sun.star.text.textfield.Annotation"):
                annotations.append(field)
        for field in annotations:
            field.dispose()
        view = self.desktop.loadComponentFromURL("private:object", "_blank", 0, _props(Model=model, Hidden=True))
        if view is None:
            raise RuntimeError("LibreOffice could not open a view of the loaded document")
        frame = model.getCurrentController().getFrame()
        helper = self.context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.DispatchHelper", self.context
        )
        result = helper.executeDispatch(frame, command, "", 0, ())
        if getattr(result, "State", 1) == 0:  # com.sun.star.frame.DispatchResultState.FAILURE
            raise RuntimeError(f"{command} failed (is the document read-only?)")

    def inspect(self, path, as_loaded=False):
        report = {"path": str(path), "loaded": False, "error": None, "warnings": []}
        started = time.monotonic()
        work = os.path.join(self.profile, "work")
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        copy = os.path.join(work, "document.docx")  # LibreOffice never touches the caller's folder
        try:
            shutil.copyfile(path, copy)
        except OSError as error:
            report["error"] = f"cannot read {path}: {error}"
            return report
        try:
            model = self.load(copy)
        except LoadError as error:
            report["error"] = f"LibreOffice could not load {path}: {error}"
            return report
        try:
            report["loaded"] = True
            report["redlines"] = redlines(model)
            report["comments"] = comments(model)
            if as_loaded:
                report["paragraphs_as_loaded"] = paragraphs(model)
            self.settle(model, ".uno:AcceptAllTrackedChanges")
            left = len(redlines(model))
            if left:
                report["warnings"].append(f"{left} tracked change(s) left after AcceptAllTrackedChanges")
            report["paragraphs"] = paragraphs(model)
        finally:
            _close(model)
        model = self.load(copy)
        try:
            self.settle(model, ".uno:RejectAllTrackedChanges")
            left = len(redlines(model))
            if left:
                report["warnings"].append(f"{left} tracked change(s) left after RejectAllTrackedChanges")
            report["paragraphs_rejected"] = paragraphs(model)
        finally:
            _close(model)
        shutil.rmtree(work, ignore_errors=True)
        report["text"] = joined(report["paragraphs"])
        report["text_rejected"] = joined(report["paragraphs_rejected"])
        report["seconds"] = round(time.monotonic() - started, 3)
        return report


def _close(model):
    try:
        model.close(True)
    except Exception:
        with contextlib.suppress(Exception):
            model.dispose()


class LoadError(Exception):
    pass


def _range_text(start, end):
    """The text between two text ranges of the same text, or None when LibreOffice cannot span them."""
    try:
        cursor = start.getText().createTextCursorByRange(start)
        cursor.gotoRange(end, True)
        return cursor.getString()
    except Exception:
        return None


def redlines(document):
    found = []
    enumeration = document.getRedlines().createEnumeration()
    while enumeration.hasMoreElements():
        redline = enumeration.nextElement()
        entry = {
            "type": redline.getPropertyValue("RedlineType"),
            "author": redline.getPropertyValue("RedlineAuthor"),
            "date": _iso(redline.getPropertyValue("RedlineDateTime")),
            "comment": redline.getPropertyValue("RedlineComment") or "",
            "text": None,
        }
        with contextlib.suppress(Exception):  # a table-row or table-cell change has no text range
            entry["text"] = _range_text(
                redline.getPropertyValue("RedlineStart"), redline.getPropertyValue("RedlineEnd")
            )
        found.append(entry)
    return found


def comments(document):
    found = []
    enumeration = document.getTextFields().createEnumeration()
    while enumeration.hasMoreElements():
        field = enumeration.nextElement()
        if not field.supportsService("com.sun.star.text.textfield.Annotation"):
            continue
        anchor = field.getAnchor()
        found.append(
            {
                "author": field.getPropertyValue("Author"),
                "initials": _optional(field, "Initials") or "",
                "date": _iso(_optional(field, "DateTimeValue")),
                "text": field.getPropertyValue("Content"),
                "anchor": anchor.getString() if anchor is not None else "",
                "resolved": bool(_optional(field, "Resolved")),
            }
        )
    return found


def _optional(element, name):
    try:
        return element.getPropertyValue(name)
    except Exception:
        return None


def paragraphs(document):
    """Every paragraph of the body in reading order, descending into table cells (row by row)."""
    found = []
    _walk(document.getText(), found, None)
    return found


def _walk(text, found, table):
    # Each UNO call is a round trip over the pipe (nextElement, which brings a new object, costs about 1 ms).
    enumeration = text.createEnumeration()
    while enumeration.hasMoreElements():
        element = enumeration.nextElement()
        if element.supportsService("com.sun.star.text.TextTable"):
            name = element.getName()
            for cell_name in element.getCellNames():
                _walk(element.getCellByName(cell_name), found, f"{name}.{cell_name}")
        elif element.supportsService("com.sun.star.text.Paragraph"):
            found.append(
                {
                    "text": element.getString(),
                    "label": _optional(element, "ListLabelString") or "",
                    "style": _optional(element, "ParaStyleName") or "",
                    "level": _optional(element, "NumberingLevel"),
                    "table": table,
                }
            )


def joined(found):
    return "\n".join(f"{p['label']}\t{p['text']}" if p["label"] else p["text"] for p in found)


# --- the command line ------------------------------------------------------------------------------------


def _emit(payload):
    sys.stdout.write(PREFIX + json.dumps(payload, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _inspect_guarded(office, path, parent, as_loaded=False):
    """Inspect one file; a soffice crash is reported for that file and the next file gets a fresh soffice."""
    try:
        if not office.alive():
            raise RuntimeError("soffice is not running")
        report = office.inspect(path, as_loaded)
    except Exception:
        report = {"path": str(path), "loaded": False, "crashed": True, "error": traceback.format_exc()}
        office.stop()
        office = Office(parent).start()
    report["soffice_pid"] = office.process.pid
    return office, report


def main(argv):
    parent = None
    if argv[:1] == ["--parent"]:  # a folder for the profile, which the caller removes even if this is killed
        parent, argv = argv[1], argv[2:]
    office = Office(parent)
    atexit.register(lambda: office.stop())  # the latest office: the name is looked up at exit
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(130))
    office.start()
    if argv[:1] == ["--serve"]:
        _emit({"ready": True, "soffice_pid": office.process.pid})
        for line in sys.stdin:
            if not line.strip():
                continue
            request = json.loads(line)
            if request.get("quit"):
                break
            office, report = _inspect_guarded(office, request["path"], parent, bool(request.get("as_loaded")))
            _emit(report)
    else:
        for path in argv:
            office, report = _inspect_guarded(office, path, parent)
            _emit(report)
    office.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
