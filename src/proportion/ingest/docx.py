"""DOCX reader: the "accept all changes" text of a Word document, in reading order, with Word's numbers.

The package is opened defensively before any XML is parsed: the zip's member count, total uncompressed size
and compression ratio are bounded (zip bombs), and every XML part is refused if it declares a DTD or entities
(XXE, billion laughs); the parser itself never loads DTDs, resolves entities or touches the network.
We read the XML with lxml directly because python-docx drops the text of tracked insertions and knows
nothing of automatic numbering (see ``shared/research/ecosystem.md`` §1).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator

from lxml import etree

from proportion.errors import InputError
from proportion.ingest.base import MIB, Limits, TextBuilder
from proportion.ingest.numbering import Numbering, StyleSheet, W
from proportion.models import BlockKind, SourceDocument

REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_DOCUMENT = "/officeDocument"
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_HEADING_STYLE = re.compile(r"^heading (\d)$", re.IGNORECASE)

# Elements whose text is not part of the accepted reading text: tracked deletions, moved-away text,
# field instructions and deleted field instructions.
_SKIPPED = {f"{W}del", f"{W}moveFrom", f"{W}instrText", f"{W}delInstrText", f"{W}delText"}
_DELETED_MARK = "proportion-deleted-mark"
"""Set by :func:`accept_all_changes` on a paragraph whose paragraph mark is a tracked deletion."""
_CHARACTERS = {f"{W}tab": "\t", f"{W}br": " ", f"{W}cr": " ", f"{W}noBreakHyphen": "-"}

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
)


class Package:
    """A size-checked OOXML zip from which XML parts are read safely."""

    def __init__(self, data: bytes, limits: Limits) -> None:
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            members = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            raise InputError(
                "P110", "the DOCX is damaged (not a readable zip package); re-save it from Word and try again"
            ) from error
        if len(members) > limits.max_zip_members:
            raise InputError(
                "P112",
                f"the DOCX has {len(members)} parts (limit {limits.max_zip_members}); "
                "it may be a zip bomb — refusing to open it",
            )
        total = sum(member.file_size for member in members)
        packed = sum(member.compress_size for member in members) or 1
        if total > limits.max_unzipped_bytes:
            raise InputError(
                "P112",
                f"the DOCX would unpack to {total / MIB:.0f} MiB "
                f"(limit {limits.max_unzipped_bytes / MIB:g} MiB); it may be a zip bomb — "
                "refusing to open it (raise --max-unzipped-mb if it is genuine)",
            )
        worst = max((m.file_size / max(m.compress_size, 1) for m in members if m.file_size > 1_000_000), default=0.0)
        if total / packed > limits.max_zip_ratio or worst > limits.max_zip_ratio:
            raise InputError(
                "P112",
                f"the DOCX compresses {max(worst, total / packed):.0f}:1 "
                f"(limit {limits.max_zip_ratio:.0f}:1); it looks like a zip bomb — refusing to open it",
            )
        self.names = {member.filename for member in members}

    def read(self, name: str) -> bytes:
        try:
            return self.zip.read(name)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError) as error:
            raise InputError(
                "P110",
                f"the DOCX is damaged (part {name} cannot be read); re-save it from Word and try again",
            ) from error

    def xml(self, name: str) -> etree._Element | None:
        """Parse one part, refusing DTDs and entity declarations outright."""
        if name not in self.names:
            return None
        data = self.read(name)
        if b"<!" in data and _DTD.search(data):
            raise _dtd_refused(name)
        try:
            root = etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError as error:
            raise InputError(
                "P110",
                f"the DOCX is damaged (part {name} is not well-formed XML); re-save it from Word and try again",
            ) from error
        docinfo = root.getroottree().docinfo
        if docinfo.internalDTD is not None or docinfo.system_url or docinfo.public_id:
            # The byte check above misses a DTD in a UTF-16 part; the parsed tree does not.
            raise _dtd_refused(name)
        return root

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type suffix, part name) for one part ("" for the package)."""
        folder, base = posixpath.split(part)
        rels = self.xml(posixpath.join(folder, "_rels", f"{base}.rels"))
        out: dict[str, tuple[str, str]] = {}
        if rels is None:
            return out
        for rel in rels.iter(f"{REL}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            rel_type = rel.get("Type", "")
            out[rel.get("Id", "")] = (rel_type[rel_type.rfind("/") :], name)
        return out


def _dtd_refused(name: str) -> InputError:
    return InputError(
        "P113",
        f"the DOCX part {name} declares a DTD or entities, which Word never writes; "
        "refusing to read it (possible XXE or entity-expansion attack)",
    )


def part_by_type(rels: dict[str, tuple[str, str]], suffix: str) -> str | None:
    return next((name for kind, name in rels.values() if kind == suffix), None)


Accepted = Callable[[str, str], bool]
"""Whether to accept a tracked change, from its author and date (``w:author``, ``w:date``)."""


def _decide_changes(document: etree._Element, accepted: Accepted) -> None:
    """Undo, in place, the tracked changes that are not ``accepted``, so that only the chosen ones remain to be
    accepted: an insertion not accepted is removed, a deletion not accepted becomes text again; a paragraph mark
    inserted by a change not accepted joins its paragraph to the next."""
    for change in list(document.iter(f"{W}ins", f"{W}moveTo", f"{W}del", f"{W}moveFrom")):
        parent = change.getparent()
        if parent is None or accepted(change.get(f"{W}author", ""), change.get(f"{W}date", "")):
            continue
        inserted = change.tag in (f"{W}ins", f"{W}moveTo")
        if parent.tag == f"{W}rPr":
            properties = parent.getparent()
            paragraph = properties.getparent() if properties is not None else None
            if inserted and paragraph is not None and paragraph.tag == f"{W}p":
                paragraph.set(_DELETED_MARK, "1")
            elif not inserted:
                parent.remove(change)
        elif parent.tag in (f"{W}trPr", f"{W}numberingChange"):
            continue
        elif inserted:
            parent.remove(change)
        else:
            for node in change.iter(f"{W}delText", f"{W}delInstrText"):
                node.tag = f"{W}t" if node.tag == f"{W}delText" else f"{W}instrText"
            for child in list(change):
                change.addprevious(child)
            parent.remove(change)


def accept_all_changes(document: etree._Element) -> None:
    """Turn the tree into its "accept all" view in place, so that every text node left is reading text.

    Deleted and moved-away runs and field instructions are removed; tabs, breaks and non-breaking hyphens
    become text nodes; a paragraph whose mark was deleted is flagged, as it joins the next one. Done once in C
    (lxml) rather than per paragraph in Python.
    """
    for mark in document.iter(f"{W}del"):
        properties = mark.getparent()
        if properties is None or properties.tag != f"{W}rPr":
            continue
        paragraph_properties = properties.getparent()
        paragraph = paragraph_properties.getparent() if paragraph_properties is not None else None
        if paragraph is not None and paragraph.tag == f"{W}p":
            paragraph.set(_DELETED_MARK, "1")
    etree.strip_elements(document, *_SKIPPED, with_tail=False)
    for element in document.iter(*_CHARACTERS):
        parent = element.getparent()
        if parent is not None and parent.tag == f"{W}r":
            element.text = _CHARACTERS[str(element.tag)]
            element.tag = f"{W}t"


def paragraph_text(paragraph: etree._Element) -> str:
    """The text of a paragraph of a tree already in its accept-all view."""
    return "".join(str(text) for text in paragraph.itertext(f"{W}t"))


def body_items(container: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables of a body in order, looking through content controls and custom XML."""
    for child in container:
        if child.tag in (f"{W}p", f"{W}tbl"):
            yield child
        elif child.tag in (f"{W}sdt", f"{W}customXml", f"{W}ins", f"{W}moveTo"):
            content = child.find(f"{W}sdtContent")
            yield from body_items(content if content is not None else child)


class _Reader:
    def __init__(self, document: etree._Element, numbering: Numbering) -> None:
        self.document = document
        self.numbering = numbering
        self.styles = numbering.styles
        self.builder = TextBuilder()
        self.title = ""
        self.carried = ""

    def paragraph(self, paragraph: etree._Element) -> None:
        ppr = paragraph.find(f"{W}pPr")
        style_el = ppr.find(f"{W}pStyle") if ppr is not None else None
        style_id = style_el.get(f"{W}val") if style_el is not None else self.styles.default_paragraph_style
        num_id, ilvl = self.numbering.paragraph_numbering(ppr, style_id)
        text = self.carried + paragraph_text(paragraph)
        self.carried = ""
        if paragraph.get(_DELETED_MARK):
            # A deleted paragraph mark joins what is left of the paragraph to the next one, which keeps its own
            # number; a paragraph deleted whole disappears, number and all (as Word shows "accept all").
            self.carried = text
            return
        if not text.strip():
            # An empty numbered paragraph still takes a number in Word.
            self.numbering.label(num_id, ilvl)
            return
        label, num_format = self.numbering.label(num_id, ilvl)
        style_name = self.styles.name(style_id)
        outline = _outline_level(ppr)
        if outline is None:
            outline = self.styles.outline_level(style_id)
        heading = _HEADING_STYLE.match(style_name)
        level: int | None
        if style_name.lower() == "title":
            self.title = self.title or text.strip()
            kind, level = BlockKind.HEADING, 0
        elif heading or outline is not None:
            kind = BlockKind.HEADING
            level = int(heading.group(1)) - 1 if heading else outline
        else:
            kind = BlockKind.LIST_ITEM if num_format == "bullet" else BlockKind.PARAGRAPH
            level = ilvl if label else None
        self.builder.add(text, kind, label=label or None, level=level)

    def table(self, table: etree._Element) -> None:
        """A table is one block, a line per row with cells separated by " | "."""
        rows = []
        for row in table.findall(f"{W}tr"):
            cells = []
            for cell in row.findall(f"{W}tc"):
                cells.append(" ".join(t for p in cell.iter(f"{W}p") if (t := paragraph_text(p).strip())))
            if any(cells):
                rows.append(" | ".join(cells))
        self.builder.add("\n".join(rows), BlockKind.TABLE)

    def read(self) -> None:
        body = self.document.find(f"{W}body")
        if body is None:
            raise InputError("P110", "the DOCX has no document body; re-save it from Word and try again")
        for item in body_items(body):
            if item.tag == f"{W}p":
                self.paragraph(item)
            else:
                self.table(item)




def _outline_level(ppr: etree._Element | None) -> int | None:
    outline = ppr.find(f"{W}outlineLvl") if ppr is not None else None
    if outline is None:
        return None
    try:
        value = int(outline.get(f"{W}val", "9"))
    except ValueError:
        return None
    return value if value < 9 else None


def _revision_facts(document: etree._Element, comments: etree._Element | None) -> dict[str, object]:
    insertions = sum(1 for _ in document.iter(f"{W}ins"))
    deletions = sum(1 for _ in document.iter(f"{W}del"))
    authors = sorted({el.get(f"{W}author", "") for el in document.iter(f"{W}ins", f"{W}del")} - {""})
    comment_count = sum(1 for _ in comments.iter(f"{W}comment")) if comments is not None else 0
    comment_authors = (
        sorted({c.get(f"{W}author", "") for c in comments.iter(f"{W}comment")} - {""}) if comments is not None else []
    )
    return {
        "tracked_changes": insertions + deletions > 0,
        "tracked_insertions": insertions,
        "tracked_deletions": deletions,
        "revision_authors": authors,
        "comments": comment_count,
        "comment_authors": comment_authors,
        "text_view": "all tracked changes accepted",
    }


def read_docx(data: bytes, limits: Limits, accepted: Accepted | None = None) -> SourceDocument:
    """The document with every tracked change accepted, or only those ``accepted`` chooses."""
    package = Package(data, limits)
    main_part = part_by_type(package.relationships(""), OFFICE_DOCUMENT) or "word/document.xml"
    document = package.xml(main_part)
    if document is None or document.tag != f"{W}document":
        raise InputError(
            "P111",
            "the file is an Office package but not a Word document (a spreadsheet or presentation?); "
            "save the agreement as .docx, .pdf, .html, .md or .txt",
        )
    rels = package.relationships(main_part)
    styles = StyleSheet(package.xml(part_by_type(rels, "/styles") or ""))
    numbering = Numbering(package.xml(part_by_type(rels, "/numbering") or ""), styles)
    comments = package.xml(part_by_type(rels, "/comments") or "")
    facts = _revision_facts(document, comments)
    if accepted is not None:
        _decide_changes(document, accepted)
    accept_all_changes(document)
    reader = _Reader(document, numbering)
    reader.read()
    title = reader.title or _core_title(package)
    return reader.builder.build("docx", title, facts)


def revision_rounds(data: bytes, limits: Limits) -> list[list[tuple[str, str]]]:
    """The tracked changes of a DOCX as negotiation rounds: the (author, date) pairs of its changes in date order,
    cut into rounds wherever the author changes. Accepting the changes of rounds 1..k gives version k."""
    package = Package(data, limits)
    main_part = part_by_type(package.relationships(""), OFFICE_DOCUMENT) or "word/document.xml"
    document = package.xml(main_part)
    if document is None:
        raise InputError("P111", "the file is an Office package but not a Word document")
    marks = {
        (change.get(f"{W}date", ""), change.get(f"{W}author", ""))
        for change in document.iter(f"{W}ins", f"{W}del", f"{W}moveTo", f"{W}moveFrom")
    }
    rounds: list[list[tuple[str, str]]] = []
    for date, author in sorted(marks):
        if rounds and rounds[-1][-1][0] == author:
            rounds[-1].append((author, date))
        else:
            rounds.append([(author, date)])
    return rounds


def _core_title(package: Package) -> str:
    core = package.xml("docProps/core.xml")
    if core is None:
        return ""
    title = core.find("{http://purl.org/dc/elements/1.1/}title")
    return (title.text or "").strip() if title is not None else ""
