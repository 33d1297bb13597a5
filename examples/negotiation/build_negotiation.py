"""Build the four-round negotiation of the Kestrel / Almond Health "AI Addendum".

Run from the repository root::

    python examples/negotiation/build_negotiation.py [OUTPUT_FOLDER]

From ``rounds.yaml`` (the drafting, one full text per round) it writes, into ``examples/negotiation/`` unless
another folder is given:

* ``round-1.docx`` ... ``round-4.docx``: each round as a clean document (no tracked changes);
* ``negotiation-tracked.docx``: one document whose "accept all" view is round 4 and whose "reject all" view
  is round 1, carrying each later round's changes as native Word tracked changes (``w:ins``/``w:del``) by
  that round's author and dated that round's date ("Customer Counsel" 2026-03-02, "Vendor Counsel"
  2026-03-09, "Customer Counsel" 2026-03-16). Accepting only the changes dated up to a round gives that round.

The output is byte-for-byte reproducible: core properties and ZIP entry timestamps are fixed, revision ids are
assigned in document order, and nothing depends on the clock or on randomness.

Layout: articles are ``Heading 1`` paragraphs and sections ``List Number 2`` paragraphs; both styles are
linked to one multilevel list (``abstractNumId`` 10, ``numId`` 10: level 0 ``%1.``, level 1 ``%1.%2``), so
Word numbers them ("1.", "1.1") and renumbers them when an article is inserted. The same approach as
``examples/build_example.py``, written again here so that the two examples can change independently.

How the tracked document is made. Every paragraph of every round is traced to a *physical* paragraph of the
combined document: the same clause key in the same article continues its paragraph; a clause in another
article is a move, shown as a deletion at the old place and an insertion at the new one; a clause made by a
split or a merge (``from`` in rounds.yaml) continues the paragraph of its first source. Each physical
paragraph holds word-level tokens that remember the round that inserted them and the round that deleted
them, and successive rounds are diffed word by word (``difflib``), so a changed word becomes a ``w:del`` of
the old word followed by a ``w:ins`` of the new one. A deletion of text that an earlier round inserted is
nested as Word writes it: ``<w:ins (earlier)><w:del (later)><w:r><w:delText>``. Whole new paragraphs also
have their paragraph mark inserted (``w:pPr/w:rPr/w:ins``); whole deleted paragraphs have their runs and
their paragraph mark deleted (``w:pPr/w:rPr/w:del``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from xml.sax.saxutils import escape, quoteattr

import yaml
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # examples/: the shared fixture helpers
from docx_fixture import normalise_zip, plain_heading_style, set_explicit_fonts

HERE: Final = Path(__file__).resolve().parent
ROUNDS_FILE: Final = HERE / "rounds.yaml"
TRACKED_NAME: Final = "negotiation-tracked.docx"

ORIGINAL_AUTHOR: Final = "Vendor Counsel"
CREATED: Final = dt.datetime(2026, 2, 23, 9, 0, 0, tzinfo=dt.UTC)
ZIP_TIME: Final = (2026, 2, 23, 9, 0, 0)

NUM_ID: Final = 10
ABSTRACT_ID: Final = 10
FONT: Final = "Calibri"
STYLE_IDS: Final = {"title": "Title", "article": "Heading1", "section": "ListNumber2"}

# Words, bracketed numbers ("(30)"), single punctuation marks and runs of white space. Lossless:
# "".join(tokens) == text.
TOKEN_RE: Final = re.compile(r"\s+|\(\w+\)|\w+|[^\w\s]")


# --------------------------------------------------------------------------------------------------------
# The drafting: rounds.yaml -> rounds of paragraphs
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    """A word, a punctuation mark or white space, and whether it is bold (clause headings are bold)."""

    text: str
    bold: bool = False


@dataclass(frozen=True)
class Para:
    """One paragraph of one round.

    ``kind`` is ``title``, ``body`` (the preamble), ``article`` (Heading 1), ``section`` (List Number 2) or
    ``closing`` (signature lines). ``key`` identifies the clause or article across rounds; ``article`` is the
    key of the article a section belongs to; ``sources`` are the earlier keys of a split or merged clause.
    """

    kind: str
    key: str
    tokens: tuple[Token, ...]
    article: str = ""
    sources: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return "".join(token.text for token in self.tokens)


@dataclass(frozen=True)
class Round:
    number: int
    party: str
    author: str
    date: str
    label: str
    paragraphs: tuple[Para, ...]

    @property
    def datetime(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.date.replace("Z", "+00:00"))


def tokenize(text: str, bold: bool = False) -> tuple[Token, ...]:
    return tuple(Token(piece, bold) for piece in TOKEN_RE.findall(text))


def section_tokens(section: dict[str, Any]) -> tuple[Token, ...]:
    """A section paragraph: a bold heading ("Use of Inputs.") or bold quoted term, a space, then the text."""
    lead = f'"{section["term"]}"' if "term" in section else f"{section['heading']}."
    return tokenize(lead, bold=True) + tokenize(" " + " ".join(section["text"].split()))


def load_rounds(path: Path = ROUNDS_FILE) -> list[Round]:
    """Read rounds.yaml into rounds of paragraphs, in document order."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    preamble = " ".join(data["preamble"].split())
    rounds: list[Round] = []
    for entry in data["rounds"]:
        paragraphs: list[Para] = [
            Para("title", "title", tokenize(data["title"])),
            Para("body", "preamble", tokenize(preamble)),
        ]
        for article in entry["articles"]:
            paragraphs.append(Para("article", article["key"], tokenize(article["heading"])))
            for section in article["sections"]:
                paragraphs.append(
                    Para(
                        "section",
                        section["key"],
                        section_tokens(section),
                        article=article["key"],
                        sources=tuple(section.get("from", ())),
                    )
                )
        for index, line in enumerate(data["closing"], start=1):
            paragraphs.append(Para("closing", f"closing-{index}", tokenize(line)))
        keys = [paragraph.key for paragraph in paragraphs]
        if len(keys) != len(set(keys)):
            raise ValueError(f"round {entry['round']}: duplicate keys in rounds.yaml")
        rounds.append(
            Round(entry["round"], entry["party"], entry["author"], entry["date"], entry["label"], tuple(paragraphs))
        )
    if [r.number for r in rounds] != list(range(1, len(rounds) + 1)):
        raise ValueError("rounds.yaml: rounds must be numbered 1, 2, 3, ... in order")
    return rounds


# --------------------------------------------------------------------------------------------------------
# Combining the rounds into one document with revisions
# --------------------------------------------------------------------------------------------------------


@dataclass
class Change:
    """A token of the combined document: the round that inserted it (None: round 1) and that deleted it."""

    text: str
    bold: bool
    inserted: int | None = None
    deleted: int | None = None

    def visible(self, round_number: int) -> bool:
        return (self.inserted is None or self.inserted <= round_number) and (
            self.deleted is None or self.deleted > round_number
        )


@dataclass(eq=False)
class Physical:
    """A paragraph of the combined document, alive from round ``born`` until (not including) round ``died``."""

    kind: str
    born: int
    tokens: list[Change] = field(default_factory=list)
    died: int | None = None

    def visible(self, round_number: int) -> bool:
        return self.born <= round_number and (self.died is None or self.died > round_number)

    def view(self, round_number: int) -> tuple[Token, ...]:
        return tuple(Token(c.text, c.bold) for c in self.tokens if c.visible(round_number))


Pair = tuple[str, bool]  # a token's text and boldness, as the diff compares them
Opcode = tuple[str, int, int, int, int]


def _size(tokens: Sequence[Pair]) -> int:
    return sum(len(text) for text, _ in tokens)


def word_opcodes(old: Sequence[Pair], new: Sequence[Pair]) -> list[Opcode]:
    """Word-level diff, cleaned up so that a redline reads as whole phrases.

    An unchanged stretch between two changes is folded into them when it is no longer than the change on
    either side (the "semantic clean-up" of diff-match-patch, counted in characters), or when it holds only
    spaces and punctuation; adjacent changes then merge into one deletion followed by one insertion.
    """
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    ops: list[Opcode] = [(tag, i1, i2, j1, j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes()]
    changed = True
    while changed:
        changed = False
        for index in range(1, len(ops) - 1):
            tag, i1, i2 = ops[index][:3]
            if tag != "equal" or ops[index - 1][0] == "equal" or ops[index + 1][0] == "equal":
                continue
            before, after = ops[index - 1], ops[index + 1]
            size = _size(old[i1:i2])
            trivial = not any(character.isalnum() for text, _ in old[i1:i2] for character in text)
            if trivial or (
                size <= max(_size(old[before[1] : before[2]]), _size(new[before[3] : before[4]]))
                and size <= max(_size(old[after[1] : after[2]]), _size(new[after[3] : after[4]]))
            ):
                ops[index - 1 : index + 2] = [("replace", before[1], after[2], before[3], after[4])]
                changed = True
                break
    return ops


def apply_round(paragraph: Physical, new_tokens: Sequence[Token], round_number: int) -> None:
    """Record the change from the paragraph's current text to ``new_tokens`` as revisions of ``round_number``."""
    visible = [i for i, change in enumerate(paragraph.tokens) if change.deleted is None]
    old = [(paragraph.tokens[i].text, paragraph.tokens[i].bold) for i in visible]
    new = [(token.text, token.bold) for token in new_tokens]
    inserts: dict[int, list[Change]] = {}
    for tag, i1, i2, j1, j2 in word_opcodes(old, new):
        if tag == "equal":
            continue
        for k in range(i1, i2):
            paragraph.tokens[visible[k]].deleted = round_number
        if j2 > j1:
            # After the deleted words, before the next word that stays.
            anchor = visible[i2] if i2 < len(visible) else len(paragraph.tokens)
            inserts.setdefault(anchor, []).extend(Change(text, bold, round_number) for text, bold in new[j1:j2])
    rebuilt: list[Change] = []
    for index, change in enumerate(paragraph.tokens):
        rebuilt.extend(inserts.get(index, ()))
        rebuilt.append(change)
    rebuilt.extend(inserts.get(len(paragraph.tokens), ()))
    paragraph.tokens = rebuilt


def combine(rounds: Sequence[Round]) -> list[Physical]:
    """Trace every round's paragraphs to physical paragraphs and record each round's changes on them."""
    first = rounds[0]
    document = [Physical(p.kind, first.number, [Change(t.text, t.bold) for t in p.tokens]) for p in first.paragraphs]
    current: dict[str, Physical] = {p.key: physical for p, physical in zip(first.paragraphs, document, strict=True)}
    previous = first
    for round_ in rounds[1:]:
        number = round_.number
        before = {p.key: p for p in previous.paragraphs}
        claimed: set[int] = set()
        assigned: list[Physical | None] = []
        for paragraph in round_.paragraphs:
            candidates: tuple[str, ...]
            if paragraph.key in before:
                # The same key in another article is a move: a deletion here and an insertion there.
                candidates = (paragraph.key,) if before[paragraph.key].article == paragraph.article else ()
            else:
                candidates = tuple(key for key in paragraph.sources if key in before)
            physical = next((current[k] for k in candidates if id(current[k]) not in claimed), None)
            if physical is not None:
                if physical.kind != paragraph.kind:
                    raise ValueError(f"round {number}: {paragraph.key} changes kind, which needs a style revision")
                claimed.add(id(physical))
            assigned.append(physical)

        position = {id(physical): index for index, physical in enumerate(document)}
        kept = [position[id(physical)] for physical in assigned if physical is not None]
        if kept != sorted(kept):
            raise ValueError(f"round {number}: paragraphs kept from round {previous.number} change order")

        for physical in current.values():
            if id(physical) not in claimed:
                if physical is document[-1]:
                    raise ValueError("the last paragraph of the document cannot be deleted")
                physical.died = number
                for change in physical.tokens:
                    if change.deleted is None:
                        change.deleted = number

        for index, (paragraph, physical) in enumerate(zip(round_.paragraphs, assigned, strict=True)):
            if physical is not None:
                apply_round(physical, paragraph.tokens, number)
                continue
            new = Physical(paragraph.kind, number, [Change(t.text, t.bold, number) for t in paragraph.tokens])
            following = next((p for p in assigned[index + 1 :] if p is not None), None)
            if following is None:
                raise ValueError(f"round {number}: a new paragraph needs a kept paragraph after it")
            document.insert(document.index(following), new)
            assigned[index] = new

        current = {
            p.key: physical for p, physical in zip(round_.paragraphs, assigned, strict=True) if physical is not None
        }
        previous = round_

    for round_ in rounds:
        view = [(p.kind, p.view(round_.number)) for p in document if p.visible(round_.number)]
        if view != [(p.kind, p.tokens) for p in round_.paragraphs]:
            raise AssertionError(f"the combined document does not reproduce round {round_.number}")
    return document


# --------------------------------------------------------------------------------------------------------
# WordprocessingML
# --------------------------------------------------------------------------------------------------------


class Revisions:
    """Hands out revision attributes: ids in document order, author and date of each round."""

    def __init__(self, rounds: Sequence[Round]) -> None:
        self.rounds = {r.number: r for r in rounds}
        self.next_id = 1

    def attributes(self, round_number: int) -> str:
        round_ = self.rounds[round_number]
        revision_id = self.next_id
        self.next_id += 1
        return f'w:id="{revision_id}" w:author={quoteattr(round_.author)} w:date="{round_.date}"'


def _run(text: str, bold: bool, deleted: bool) -> str:
    r_pr = "<w:rPr><w:b/><w:bCs/></w:rPr>" if bold else ""
    tag = "w:delText" if deleted else "w:t"
    return f'<w:r>{r_pr}<{tag} xml:space="preserve">{escape(text)}</{tag}></w:r>'


def runs_xml(changes: Iterable[Change], revisions: Revisions | None) -> str:
    """Group tokens into runs of equal formatting and history; wrap them in w:del / w:ins as needed."""
    groups: list[tuple[tuple[bool, int | None, int | None], str]] = []
    for change in changes:
        signature = (change.bold, change.inserted, change.deleted)
        if groups and groups[-1][0] == signature:
            groups[-1] = (signature, groups[-1][1] + change.text)
        else:
            groups.append((signature, change.text))
    parts: list[str] = []
    for (bold, inserted, deleted), text in groups:
        xml = _run(text, bold, deleted is not None)
        if revisions is not None:
            # Ids are taken outer element first, as they appear in the document.
            ins_attributes = revisions.attributes(inserted) if inserted is not None else ""
            if deleted is not None:
                xml = f"<w:del {revisions.attributes(deleted)}>{xml}</w:del>"
            if inserted is not None:
                xml = f"<w:ins {ins_attributes}>{xml}</w:ins>"
        parts.append(xml)
    return "".join(parts)


def paragraph_xml(kind: str, runs: str, mark: str = "") -> str:
    """A ``w:p`` with its style and, for a tracked paragraph mark, ``w:rPr`` holding ``w:ins``/``w:del``."""
    properties = ""
    if kind in STYLE_IDS:
        properties += f'<w:pStyle w:val="{STYLE_IDS[kind]}"/>'
    if kind == "closing":
        properties += '<w:spacing w:before="360"/><w:jc w:val="left"/>'
    if mark:
        properties += f"<w:rPr>{mark}</w:rPr>"
    p_pr = f"<w:pPr>{properties}</w:pPr>" if properties else ""
    return f"<w:p {nsdecls('w')}>{p_pr}{runs}</w:p>"


def round_body(round_: Round) -> list[str]:
    return [
        paragraph_xml(p.kind, runs_xml((Change(t.text, t.bold) for t in p.tokens), None)) for p in round_.paragraphs
    ]


def tracked_body(document: Sequence[Physical], rounds: Sequence[Round]) -> list[str]:
    revisions = Revisions(rounds)
    body: list[str] = []
    for physical in document:
        mark = ""
        if physical.born > rounds[0].number:
            mark += f"<w:ins {revisions.attributes(physical.born)}/>"
        if physical.died is not None:
            mark += f"<w:del {revisions.attributes(physical.died)}/>"
        body.append(paragraph_xml(physical.kind, runs_xml(physical.tokens, revisions), mark))
    return body


# --------------------------------------------------------------------------------------------------------
# The package: numbering, styles, page, core properties
# --------------------------------------------------------------------------------------------------------


def _level_xml(ilvl: int, text: str, style: str, bold: bool) -> str:
    """One ``w:lvl``, children in the order ECMA-376 requires (CT_Lvl)."""
    r_pr = "<w:rPr><w:b/><w:bCs/></w:rPr>" if bold else ""
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="{style}"/>'
        f'<w:suff w:val="tab"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="720" w:hanging="720"/></w:pPr>{r_pr}</w:lvl>'
    )


def add_numbering(document: DocxDocument) -> None:
    """Add the article/section outline list (abstractNum 10, num 10) to the template's numbering part."""
    numbering = document.part.numbering_part.element
    abstracts = numbering.findall(qn("w:abstractNum"))
    # The template's own single-level list also names ListNumber2; a style is linked to one level only.
    for abstract in abstracts:
        for p_style in abstract.iter(qn("w:pStyle")):
            if p_style.get(qn("w:val")) == "ListNumber2":
                p_style.getparent().remove(p_style)
    outline = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{ABSTRACT_ID}"><w:nsid w:val="4B455354"/>'
        '<w:multiLevelType w:val="multilevel"/><w:tmpl w:val="45545354"/><w:name w:val="AddendumOutline"/>'
        + _level_xml(0, "%1.", "Heading1", bold=True)
        + _level_xml(1, "%1.%2", "ListNumber2", bold=False)
        + "</w:abstractNum>"
    )
    abstracts[-1].addnext(outline)
    numbering.findall(qn("w:num"))[-1].addnext(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="{NUM_ID}"><w:abstractNumId w:val="{ABSTRACT_ID}"/></w:num>')
    )


def configure_styles(document: DocxDocument) -> None:
    """A plain legal house style; Heading 1 and List Number 2 linked to levels 0 and 1 of the outline."""
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    set_explicit_fonts(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), FONT)
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "120")
    spacing.set(qn("w:line"), "240")
    styles["Normal"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for name, size, before, after in (("Heading 1", 11.5, 12, 6), ("Title", 20, 0, 12)):
        style = styles[name]
        plain_heading_style(style, size, before, after, FONT)
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        style.paragraph_format.keep_with_next = True
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title_r_pr = styles["Title"].element.rPr
    for tag in ("w:spacing", "w:kern"):
        element = title_r_pr.find(qn(tag))
        if element is not None:
            title_r_pr.remove(element)
    section = styles["List Number 2"]
    contextual = section.element.get_or_add_pPr().find(qn("w:contextualSpacing"))
    if contextual is not None:
        section.element.pPr.remove(contextual)
    section.paragraph_format.space_after = Pt(6)
    for style, ilvl in ((styles["Heading 1"], 0), (section, 1)):
        num_pr = style.element.get_or_add_pPr().get_or_add_numPr()
        if ilvl:
            num_pr.get_or_add_ilvl().val = ilvl
        else:
            num_pr._remove_ilvl()
        num_pr.get_or_add_numId().val = NUM_ID


def configure_page(document: DocxDocument, footer_text: str) -> None:
    """A4 portrait, 2.5 cm margins, a footer naming the round, and page numbers."""
    sec = document.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin = sec.right_margin = sec.top_margin = sec.bottom_margin = Cm(2.5)
    footer = sec.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"AI Addendum – {footer_text} – Page ")
    _add_field(footer._p, "PAGE")
    footer.add_run(" of ")
    _add_field(footer._p, "NUMPAGES")
    for run in footer.runs:
        run.font.size = Pt(8)


def _add_field(paragraph: Any, instruction: str) -> None:
    field_element = OxmlElement("w:fldSimple")
    field_element.set(qn("w:instr"), f" {instruction} ")
    field_element.append(parse_xml(f'<w:r {nsdecls("w")}><w:rPr><w:sz w:val="16"/></w:rPr><w:t>1</w:t></w:r>'))
    paragraph.append(field_element)


def track_revisions(document: DocxDocument) -> None:
    """Turn Track Changes on in settings.xml (w:trackRevisions goes before w:defaultTabStop in CT_Settings)."""
    settings = document.settings.element
    settings.find(qn("w:defaultTabStop")).addprevious(OxmlElement("w:trackRevisions"))


def set_core_properties(
    document: DocxDocument, modified_by: str, modified: dt.datetime, revision: int, note: str
) -> None:
    props = document.core_properties
    props.author = ORIGINAL_AUTHOR
    props.last_modified_by = modified_by
    props.title = "AI Addendum"
    props.subject = "Kestrel Software Ltd. and Almond Health Trust"
    props.keywords = "example; negotiation; AI contract; proportion"
    props.comments = f"{note}. Original example drafting for the proportion project."
    props.category = "Example negotiation"
    props.revision = revision
    props.created = CREATED
    props.modified = modified
    props.last_printed = CREATED


def package(body: Sequence[str], footer_text: str, core: tuple[str, dt.datetime, int, str], tracked: bool) -> bytes:
    """Lay ``body`` (w:p XML strings) into the python-docx template with our numbering and styles."""
    document = Document()
    add_numbering(document)
    configure_styles(document)
    configure_page(document, footer_text)
    if tracked:
        track_revisions(document)
    element = document.element.body
    for paragraph in list(element.findall(qn("w:p"))):
        element.remove(paragraph)
    sect_pr = element.find(qn("w:sectPr"))
    for xml in body:
        sect_pr.addprevious(parse_xml(xml))
    set_core_properties(document, *core)
    buffer = io.BytesIO()
    document.save(buffer)
    return normalise_zip(buffer.getvalue(), ZIP_TIME)


# --------------------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------------------


def build_round(round_: Round) -> bytes:
    """One round as a clean document."""
    core = (round_.author, round_.datetime, round_.number, f"Round {round_.number}: {round_.label}")
    return package(round_body(round_), f"Round {round_.number}: {round_.label}", core, tracked=False)


def build_tracked(rounds: Sequence[Round]) -> bytes:
    """All rounds in one document, rounds 2 onwards as tracked changes."""
    last = rounds[-1]
    note = f"Round 1 with rounds 2-{last.number} as tracked changes"
    core = (last.author, last.datetime, last.number, note)
    return package(tracked_body(combine(rounds), rounds), note, core, tracked=True)


def build(output_dir: Path = HERE, rounds_file: Path = ROUNDS_FILE) -> list[Path]:
    """Write round-N.docx for every round and negotiation-tracked.docx into ``output_dir``."""
    rounds = load_rounds(rounds_file)
    output_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for round_ in rounds:
        path = output_dir / f"round-{round_.number}.docx"
        path.write_bytes(build_round(round_))
        written.append(path)
    path = output_dir / TRACKED_NAME
    path.write_bytes(build_tracked(rounds))
    written.append(path)
    return written


def main(argv: Sequence[str] = ()) -> None:
    output_dir = Path(argv[0]) if argv else HERE
    for path in build(output_dir):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main(sys.argv[1:])
