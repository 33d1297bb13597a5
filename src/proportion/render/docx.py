"""The redline: the agreement as a DOCX with every proposed edit as a native Word tracked change and a comment.

Edits are offsets into the review's text (the "accept all changes" view the DOCX reader produced). This renderer
maps those offsets back onto the runs of the original ``word/document.xml``, splits runs only where an edit
begins or ends, and wraps exactly the edited characters in ``w:del``/``w:ins`` with our author and date, so a
one-word edit changes one word. Everything else in the package is copied unchanged, byte for byte: styles,
numbering, headers, earlier rounds' tracked changes and comments with their authors and dates.

A PDF, HTML, Markdown or text agreement first becomes a plain DOCX (one paragraph per line), which is then
redlined the same way. The result is read back with our own reader before it is returned: if accepting every
change does not give exactly the proposed text, the redline is refused rather than handed over incomplete.
"""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lxml import etree

from proportion.errors import InputError
from proportion.ingest import read_bytes
from proportion.ingest.base import Limits
from proportion.ingest.docx import OFFICE_DOCUMENT, Package, body_items, part_by_type
from proportion.ingest.numbering import W
from proportion.knowledge.playbook import Playbook
from proportion.models import Edit, Review
from proportion.propose import accepted

W_NS = W[1:-1]
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_REVISIONS = (f"{W}ins", f"{W}moveTo")
"""Containers of tracked insertions: our own changes go beside them, never inside."""
_HIDDEN = (f"{W}del", f"{W}moveFrom")
_TEXT_OF = {f"{W}t": None, f"{W}tab": "\t", f"{W}br": " ", f"{W}cr": " ", f"{W}noBreakHyphen": "-"}


class RedlineError(Exception):
    """The redline could not be made faithfully; the message says which edit and why."""


@dataclass(slots=True)
class Signature:
    """Who the tracked changes and comments are attributed to, and when."""

    author: str = "proportion"
    date: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))

    @property
    def initials(self) -> str:
        return "".join(word[0] for word in self.author.split() if word).upper()[:4] or "P"


@dataclass(slots=True)
class _Atom:
    """One character-bearing child of a run (``w:t``, ``w:tab``, ...), and the text it shows."""

    run: etree._Element
    element: etree._Element
    text: str


@dataclass(slots=True)
class _Paragraph:
    """A paragraph of the body and where its (stripped) text sits in the review's text."""

    element: etree._Element
    start: int
    length: int
    lead: int
    numbered: bool
    """Whether the reader put a generated number before the text (Word automatic numbering)."""


class _Redliner:
    def __init__(
        self,
        document: etree._Element,
        comments: etree._Element | None,
        signature: Signature,
        notes: Callable[[Edit], str] | None,
    ) -> None:
        self.document = document
        self.signature = signature
        self.notes = notes
        self.ours: set[etree._Element] = set()
        parts = [document] if comments is None else [document, comments]
        ids = [int(value) for part in parts for node in part.iter() if (value := node.get(f"{W}id", "")).isdigit()]
        self.next_id = max(ids, default=0) + 1
        """One counter for revisions and comments: annotation ids are unique across the document."""
        self.comments: list[tuple[int, str]] = []

    # --- reading the paragraphs -------------------------------------------------------------------------------
    def atoms(self, paragraph: etree._Element) -> list[_Atom]:
        """The paragraph's visible characters before our edits: runs outside deletions and our insertions."""
        found = []
        for run in paragraph.iter(f"{W}r"):
            if any(ancestor.tag in _HIDDEN or ancestor in self.ours for ancestor in run.iterancestors()):
                continue
            if run.getparent() is not None and _inside(run, f"{W}p") is not paragraph:
                continue
            for child in run:
                if child.tag in _TEXT_OF:
                    text = _TEXT_OF[child.tag] if child.tag != f"{W}t" else (child.text or "")
                    if text:
                        found.append(_Atom(run, child, str(text)))
        return found

    def locate(self, text: str) -> list[_Paragraph]:
        """Every non-empty paragraph of the body, placed in ``text`` in reading order."""
        body = self.document.find(f"{W}body")
        placed: list[_Paragraph] = []
        cursor = 0
        for paragraph in _paragraphs(body if body is not None else self.document):
            raw = "".join(atom.text for atom in self.atoms(paragraph))
            stripped = raw.strip()
            if not stripped:
                continue
            where = text.find(stripped, cursor)
            if where < 0:
                raise RedlineError(f"cannot find the paragraph {stripped[:60]!r} in the reviewed text")
            line_start = text.rfind("\n", 0, where) + 1
            placed.append(_Paragraph(paragraph, where, len(stripped), len(raw) - len(raw.lstrip()),
                                     "\t" in text[line_start:where]))
            cursor = where + len(stripped)
        return placed

    # --- changing runs --------------------------------------------------------------------------------------
    def boundary(self, paragraph: etree._Element, index: int) -> etree._Element | None:
        """Split the run holding visible character ``index`` so that a run begins there; that run (None at the
        end of the paragraph)."""
        position = 0
        for atom in self.atoms(paragraph):
            if position + len(atom.text) <= index:
                position += len(atom.text)
                continue
            offset = index - position
            if offset == 0:
                return self._split_before(atom.run, atom.element)
            if atom.element.tag != f"{W}t":
                raise RedlineError("an edit begins inside a tab or break")
            tail = copy.deepcopy(atom.element)
            atom.element.text = (atom.text)[:offset]
            tail.text = atom.text[offset:]
            _preserve(atom.element)
            _preserve(tail)
            atom.element.addnext(tail)
            return self._split_before(atom.run, tail)
        return None

    def _split_before(self, run: etree._Element, child: etree._Element) -> etree._Element:
        """Move ``child`` and what follows it in ``run`` to a new run after it; the run that starts with child."""
        content = [element for element in run if element.tag != f"{W}rPr"]
        if content and content[0] is child:
            return run
        new = etree.Element(f"{W}r")
        for key, value in run.attrib.items():
            new.set(key, value)  # rsid attributes: the halves of a run belong to the same editing session
        properties = run.find(f"{W}rPr")
        if properties is not None:
            new.append(copy.deepcopy(properties))
        moving = content[content.index(child) :]
        for element in moving:
            new.append(element)
        run.addnext(new)
        return new

    def stamp(self, tag: str) -> etree._Element:
        element = etree.Element(tag)
        element.set(f"{W}id", str(self.next_id))
        element.set(f"{W}author", self.signature.author)
        element.set(f"{W}date", self.signature.date)
        self.next_id += 1
        self.ours.add(element)
        return element

    def new_run(self, text: str, like: etree._Element | None) -> etree._Element:
        """A run showing ``text`` formatted like the run ``like`` (its own revision marks left out)."""
        run = _text_run(etree.Element(f"{W}r"), text)
        properties = like.find(f"{W}rPr") if like is not None else None
        if properties is not None:
            kept = copy.deepcopy(properties)
            for revision in kept.findall(f"{W}rPrChange") + kept.findall(f"{W}ins") + kept.findall(f"{W}del"):
                kept.remove(revision)
            run.insert(0, kept)
        return run

    def change(self, paragraph: _Paragraph, edit: Edit) -> None:
        """Delete the edit's span and insert its text, tracked, with a comment over both."""
        first = edit.start - paragraph.start + paragraph.lead
        last = edit.end - paragraph.start + paragraph.lead
        end_run = self.boundary(paragraph.element, last)
        start_run = self.boundary(paragraph.element, first)
        deleted = self._runs_between(paragraph.element, start_run, end_run)
        marks: list[etree._Element] = []
        for run in deleted:
            wrapper = self.stamp(f"{W}del")
            run.addprevious(wrapper)
            wrapper.append(run)
            for node in run.iter(f"{W}t"):
                node.tag = f"{W}delText"
            for node in run.iter(f"{W}instrText"):
                node.tag = f"{W}delInstrText"
            marks.append(wrapper)
        if edit.text:
            like = deleted[0] if deleted else self._run_before(paragraph.element, start_run)
            insertion = self.stamp(f"{W}ins")
            insertion.append(self.new_run(edit.text, like))
            if marks:
                marks[-1].addnext(insertion)
            else:
                self._place(paragraph.element, insertion, start_run)
            marks.append(insertion)
        self.comment(marks[0], marks[-1], edit)

    def _runs_between(
        self, paragraph: etree._Element, start: etree._Element | None, end: etree._Element | None
    ) -> list[etree._Element]:
        runs: list[etree._Element] = []
        inside = False
        for atom in self.atoms(paragraph):
            if atom.run is end:
                break
            if atom.run is start:
                inside = True
            if inside and (not runs or runs[-1] is not atom.run):
                runs.append(atom.run)
        return runs

    def _run_before(self, paragraph: etree._Element, run: etree._Element | None) -> etree._Element | None:
        previous = None
        for atom in self.atoms(paragraph):
            if atom.run is run:
                break
            previous = atom.run
        return previous

    def _place(self, paragraph: etree._Element, element: etree._Element, before: etree._Element | None) -> None:
        """Put a new element of ours before the run ``before`` (at the end of the paragraph when None), outside any
        other author's tracked insertion."""
        if before is None:
            last = self._run_before(paragraph, None)
            if last is None:
                paragraph.append(element)
                return
            self._outside_revision(last, after=True).addnext(element)
            return
        self._outside_revision(before, after=False).addprevious(element)

    def _outside_revision(self, run: etree._Element, *, after: bool) -> etree._Element:
        """The element to put ours beside: the run, or the other author's insertion that holds it, split in two at
        the run when the run is in its middle (each half keeps the author and date)."""
        container = run
        while (parent := container.getparent()) is not None and parent.tag in _REVISIONS:
            children = list(parent)
            cut = children.index(container) + (1 if after else 0)
            if 0 < cut < len(children):
                second = etree.Element(parent.tag)
                for key, value in parent.attrib.items():
                    second.set(key, value)
                second.set(f"{W}id", str(self.next_id))
                self.next_id += 1
                for child in children[cut:]:
                    second.append(child)
                parent.addnext(second)
                if not after:
                    parent = second
            container = parent
        return container

    def new_paragraph(self, after: etree._Element, model: _Paragraph, text: str, edit: Edit) -> etree._Element:
        """A tracked new paragraph after ``after``, laid out like the model paragraph (style and numbering)."""
        paragraph = etree.Element(f"{W}p")
        properties = model.element.find(f"{W}pPr")
        properties = copy.deepcopy(properties) if properties is not None else etree.Element(f"{W}pPr")
        for change in properties.findall(f"{W}pPrChange"):
            properties.remove(change)
        mark = properties.find(f"{W}rPr")
        if mark is None:
            mark = etree.SubElement(properties, f"{W}rPr")
        for revision in mark.findall(f"{W}ins") + mark.findall(f"{W}del"):
            mark.remove(revision)
        mark.insert(0, self.stamp(f"{W}ins"))
        _order_paragraph_properties(properties)
        paragraph.append(properties)
        atoms = self.atoms(model.element)
        insertion = self.stamp(f"{W}ins")
        insertion.append(self.new_run(text, atoms[0].run if atoms else None))
        paragraph.append(insertion)
        after.addnext(paragraph)
        self.comment(insertion, insertion, edit)
        return paragraph

    def comment(self, first: etree._Element, last: etree._Element, edit: Edit) -> None:
        if self.notes is None:
            return
        identifier = self.next_id
        self.next_id += 1
        start = etree.Element(f"{W}commentRangeStart")
        start.set(f"{W}id", str(identifier))
        end = etree.Element(f"{W}commentRangeEnd")
        end.set(f"{W}id", str(identifier))
        reference = etree.Element(f"{W}r")
        properties = etree.SubElement(reference, f"{W}rPr")
        etree.SubElement(properties, f"{W}rStyle").set(f"{W}val", "CommentReference")
        etree.SubElement(reference, f"{W}commentReference").set(f"{W}id", str(identifier))
        first.addprevious(start)
        last.addnext(end)
        end.addnext(reference)
        self.ours.update((start, end, reference))
        self.comments.append((identifier, self.notes(edit)))


def comment_notes(mode: str, review: Review, playbook: Playbook) -> Callable[[Edit], str] | None:
    """The comment text of each edit: ``external``, the rule, the reason and the proposed position (safe to send
    to the other side); ``internal``, also the edit's grade and our fallbacks (for the team, never to be sent);
    ``none``, no comments."""
    if mode == "none":
        return None
    if mode == "external":
        return lambda edit: edit.comment
    categories = review.summary.get("categories", {})
    assert isinstance(categories, dict)

    def internal(edit: Edit) -> str:
        placed = categories.get(edit.category, {}).get("playbook", {})
        fallbacks = [playbook.category(edit.category).position(name).summary for name in placed.get("fallbacks", [])]
        grade = "precision only" if edit.grade == "safe" else "moves risk between the parties"
        lines = [edit.comment, f"INTERNAL — do not send. {edit.id}: {grade}."]
        if fallbacks:
            lines.append("Fallbacks, in order: " + " → ".join(fallbacks))
        return "\n\n".join(lines)

    return internal


def _inside(element: etree._Element, tag: str) -> etree._Element | None:
    return next((ancestor for ancestor in element.iterancestors(tag)), None)


def _text_run(run: etree._Element, text: str) -> etree._Element:
    """Fill a run with ``text``: ``w:t`` pieces, a ``w:tab`` for each tab."""
    for number, piece in enumerate(text.split("\t")):
        if number:
            etree.SubElement(run, f"{W}tab")
        if piece:
            node = etree.SubElement(run, f"{W}t")
            node.text = piece
            _preserve(node)
    return run


def _preserve(node: etree._Element) -> None:
    text = node.text or ""
    if text != text.strip() or "  " in text:
        node.set(XML_SPACE, "preserve")


_PPR_ORDER = [
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr", "suppressLineNumbers",
    "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct",
    "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
    "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap",
    "outlineLvl", "divId", "cnfStyle", "rPr", "pPrChange",
]


def _order_paragraph_properties(properties: etree._Element) -> None:
    """Keep ``w:pPr`` children in schema order (Word refuses a document whose ``w:rPr`` comes too early); a
    section break stays with the paragraph it was copied from."""
    for section in properties.findall(f"{W}sectPr"):
        properties.remove(section)
    rank = {f"{W}{name}": number for number, name in enumerate(_PPR_ORDER)}
    for child in sorted(properties, key=lambda child: rank.get(child.tag, len(rank))):
        properties.append(child)


def _paragraphs(container: etree._Element) -> list[etree._Element]:
    """Body paragraphs in reading order, table cells included, as the DOCX reader visits them."""
    found: list[etree._Element] = []
    for item in body_items(container):
        if item.tag == f"{W}p":
            found.append(item)
        else:
            for row in item.findall(f"{W}tr"):
                for cell in row.findall(f"{W}tc"):
                    found.extend(cell.iter(f"{W}p"))
    return found


def redline(
    review: Review,
    source: bytes | None,
    signature: Signature | None = None,
    notes: Callable[[Edit], str] | None = lambda edit: edit.comment,
) -> bytes:
    """The agreement as a DOCX carrying the review's edits as tracked changes, each with a comment saying
    ``notes(edit)`` (no comments when ``notes`` is None)."""
    signature = signature or Signature()
    original = source if review.document.format == "docx" and source else plain_docx(review.document.text)
    package = Package(original, Limits(max_file_bytes=len(original) + 1))
    main = part_by_type(package.relationships(""), OFFICE_DOCUMENT) or "word/document.xml"
    document = package.xml(main)
    if document is None:
        raise RedlineError("the DOCX has no main document part")
    comments_part = part_by_type(package.relationships(main), "/comments")
    comments = package.xml(comments_part) if comments_part else None
    redliner = _Redliner(document, comments, signature, notes)
    text = review.document.text
    placed = redliner.locate(text)
    for edit in reversed(review.edits):  # last first, so the offsets of earlier edits still hold
        _apply(redliner, placed, text, edit)
    written = _package(package, original, main, document, comments, comments_part, redliner)
    _verify(written, review, text)
    return written


def _apply(redliner: _Redliner, placed: list[_Paragraph], text: str, edit: Edit) -> None:
    if edit.kind == "new-clause":
        host = next((p for p in placed if p.start <= edit.start <= p.start + p.length), None)
        model = next((p for p in placed if p.start <= (edit.format_like or -1) <= p.start + p.length), host)
        if host is None or model is None:
            raise RedlineError(f"edit {edit.id}: no paragraph ends where the new clause goes")
        body = edit.text.lstrip("\n")
        if model.numbered and "\t" in body:
            body = body.split("\t", 1)[1]
        redliner.new_paragraph(host.element, model, body, edit)
        return
    host = next((p for p in placed if p.start <= edit.start and edit.end <= p.start + p.length), None)
    if host is None:
        raise RedlineError(f"edit {edit.id}: its span {text[edit.start:edit.end][:40]!r} crosses paragraphs")
    redliner.change(host, edit)


def _package(
    package: Package,
    original: bytes,
    main: str,
    document: etree._Element,
    comments: etree._Element | None,
    comments_part: str | None,
    redliner: _Redliner,
) -> bytes:
    """The original zip with the main part (and the comments part, its relationship and content type) replaced."""
    replaced = {main: _xml(document)}
    if redliner.comments:
        if comments is None:
            comments = etree.Element(f"{W}comments", nsmap={"w": W_NS})
            comments_part = main.rsplit("/", 1)[0] + "/comments.xml"
            rels_part = _rels_name(main)
            replaced[rels_part] = _with_comments_relationship(package.xml(rels_part))
            types = package.xml("[Content_Types].xml")
            if types is None:
                raise RedlineError("the DOCX has no [Content_Types].xml")
            override = etree.SubElement(types, f"{{{CONTENT_TYPES}}}Override")
            override.set("PartName", "/" + comments_part)
            override.set("ContentType", COMMENTS_TYPE)
            replaced["[Content_Types].xml"] = _xml(types)
        for identifier, body in sorted(redliner.comments):
            comments.append(_comment(identifier, body, redliner.signature))
        assert comments_part is not None
        replaced[comments_part] = _xml(comments)
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as zip_out:
        for member in source.infolist():
            data = replaced.pop(member.filename, None)
            zip_out.writestr(member, data if data is not None else source.read(member.filename))
        for name, data in replaced.items():
            zip_out.writestr(name, data)
    return output.getvalue()


def _rels_name(part: str) -> str:
    folder, _, base = part.rpartition("/")
    return f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"


def _with_comments_relationship(rels: etree._Element | None) -> bytes:
    if rels is None:
        rels = etree.fromstring(f'<Relationships xmlns="{PACKAGE_RELS}"/>')
    ids = {rel.get("Id") for rel in rels}
    number = 1
    while f"rIdProportion{number}" in ids:
        number += 1
    relationship = etree.SubElement(rels, f"{{{PACKAGE_RELS}}}Relationship")
    relationship.set("Id", f"rIdProportion{number}")
    relationship.set("Type", COMMENTS_REL)
    relationship.set("Target", "comments.xml")
    return _xml(rels)


def _comment(identifier: int, body: str, signature: Signature) -> etree._Element:
    comment = etree.Element(f"{W}comment")
    comment.set(f"{W}id", str(identifier))
    comment.set(f"{W}author", signature.author)
    comment.set(f"{W}date", signature.date)
    comment.set(f"{W}initials", signature.initials)
    for number, text in enumerate(part for part in body.split("\n\n") if part.strip()):
        paragraph = etree.SubElement(comment, f"{W}p")
        etree.SubElement(etree.SubElement(paragraph, f"{W}pPr"), f"{W}pStyle").set(f"{W}val", "CommentText")
        if number == 0:
            run = etree.SubElement(paragraph, f"{W}r")
            etree.SubElement(etree.SubElement(run, f"{W}rPr"), f"{W}rStyle").set(f"{W}val", "CommentReference")
            etree.SubElement(run, f"{W}annotationRef")
        run = etree.SubElement(paragraph, f"{W}r")
        node = etree.SubElement(run, f"{W}t")
        node.text = " ".join(text.split())
    return comment


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def paragraph_lines(text: str) -> list[str]:
    """A text as a DOCX holds it: one stripped line per non-blank paragraph (a text file may have blank lines and
    indentation; a DOCX reads back without them)."""
    return [line.strip() for line in text.split("\n") if line.strip()]


def _verify(written: bytes, review: Review, text: str) -> None:
    """Accepting every change in the redline must give exactly the proposed text (compared line by line, as the
    reader strips each paragraph)."""
    try:
        result = read_bytes(written, ".docx", Limits(max_file_bytes=len(written) + 1)).text
    except InputError as error:
        raise RedlineError(f"the redline cannot be read back: {error}") from error
    expected, got = paragraph_lines(accepted(text, review.edits)), paragraph_lines(result)
    if expected != got:
        first = next((n for n, (a, b) in enumerate(zip(expected, got, strict=False)) if a != b), min(len(expected),
                                                                                                      len(got)))
        want = expected[first] if first < len(expected) else "(end)"
        have = got[first] if first < len(got) else "(end)"
        raise RedlineError(f"the redline does not accept to the proposed text at line {first + 1}: "
                           f"expected {want[:80]!r}, got {have[:80]!r}")


def plain_docx(text: str) -> bytes:
    """A minimal DOCX with one paragraph per line of ``text`` (tabs kept), for agreements that came as PDF,
    HTML, Markdown or text."""
    body = etree.Element(f"{W}body")
    for line in text.split("\n"):
        _text_run(etree.SubElement(etree.SubElement(body, f"{W}p"), f"{W}r"), line)
    etree.SubElement(body, f"{W}sectPr")
    document = etree.Element(f"{W}document", nsmap={"w": W_NS})
    document.append(body)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="{CONTENT_TYPES}">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        package.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PACKAGE_RELS}">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>',
        )
        package.writestr("word/document.xml", _xml(document))
    return output.getvalue()
