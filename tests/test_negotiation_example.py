"""The negotiation example (examples/negotiation): reproducible, read back as drafted, a faithful redline,
and an answer key that agrees with the drafting.

Round N's DOCX must show the clauses of round N in rounds.yaml with Word's numbers. The tracked DOCX must give
round 4 when every change is accepted, round 1 when every change is rejected, and round N when the changes
dated up to round N are accepted; its revisions must carry exactly the three rounds' authors and dates.
"""

from __future__ import annotations

import copy
import difflib
import importlib.util
import io
import re
import sys
import zipfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from lxml import etree

from proportion.ingest import read_bytes
from proportion.knowledge import taxonomy
from proportion.models import BlockKind, SourceDocument
from proportion.segment import segment

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "negotiation"
TRACKED = FOLDER / "negotiation-tracked.docx"
ROUNDS = (1, 2, 3, 4)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Who changed what, when: round 1 is the base text; every later round is one author on one date.
REVISIONS = {
    2: ("Customer Counsel", "2026-03-02T09:00:00Z"),
    3: ("Vendor Counsel", "2026-03-09T09:00:00Z"),
    4: ("Customer Counsel", "2026-03-16T09:00:00Z"),
}
STATUSES = {"unchanged", "renumbered-only", "edited", "added", "deleted", "moved", "split-into", "merged-from"}
QUALIFIER_MARKERS = ("in any event", "any and all", "whatsoever", "without limitation", "strictly", "at all times")
DEFINED = re.compile(r'\((?:the |this |a |an )?"([^"]+)"\)')


# --------------------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------------------


@cache
def builder() -> ModuleType:
    """examples/negotiation/build_negotiation.py, imported from its file (examples is not a package)."""
    spec = importlib.util.spec_from_file_location("negotiation_builder", FOLDER / "build_negotiation.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file executes
    spec.loader.exec_module(module)
    return module


@cache
def drafting() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((FOLDER / "rounds.yaml").read_text(encoding="utf-8"))
    return data


@cache
def answer_key() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((FOLDER / "expected.yaml").read_text(encoding="utf-8"))
    return data


@cache
def round_document(number: int) -> SourceDocument:
    return read_bytes((FOLDER / f"round-{number}.docx").read_bytes(), ".docx")


def flat(text: str) -> str:
    return " ".join(text.split())


def articles(number: int) -> list[dict[str, Any]]:
    articles_: list[dict[str, Any]] = drafting()["rounds"][number - 1]["articles"]
    return articles_


def sections(number: int) -> dict[str, tuple[str, dict[str, Any], str]]:
    """Clause key -> (number Word gives it, its rounds.yaml entry, its article's key) for one round."""
    out: dict[str, tuple[str, dict[str, Any], str]] = {}
    for a, article in enumerate(articles(number), start=1):
        for s, section in enumerate(article["sections"], start=1):
            out[section["key"]] = (f"{a}.{s}", section, article["key"])
    return out


def clause_wording(section: dict[str, Any]) -> str:
    """The whole paragraph as drafted: bold heading or quoted term, then the text."""
    lead = f'"{section["term"]}"' if "term" in section else f"{section['heading']}."
    return f"{lead} {flat(section['text'])}"


def expected_clauses(number: int) -> list[tuple[str, str, str]]:
    """(number, heading, text) as the segmenter should report them: a definition has its article's heading."""
    out = []
    for a, article in enumerate(articles(number), start=1):
        for s, section in enumerate(article["sections"], start=1):
            if "term" in section:
                out.append((f"{a}.{s}", article["heading"], clause_wording(section)))
            else:
                out.append((f"{a}.{s}", section["heading"], flat(section["text"])))
    return out


def numbered_clauses(document: SourceDocument) -> list[tuple[str, str, str]]:
    return [(c.number, c.heading, c.text) for c in segment(document) if c.number]


def round_text(number: int) -> str:
    """Everything a round says, preamble included, as one string (for term and qualifier checks)."""
    parts = [flat(drafting()["preamble"])]
    parts += [clause_wording(section) for _, section, _ in sections(number).values()]
    return "\n".join(parts)


def defined_terms(number: int) -> set[str]:
    text = round_text(number)
    terms = set(DEFINED.findall(text))
    terms |= {section["term"] for _, section, _ in sections(number).values() if "term" in section}
    return terms


# --------------------------------------------------------------------------------------------------------
# The tracked document: views made with lxml
# --------------------------------------------------------------------------------------------------------


def document_xml(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read("word/document.xml"))


def with_document_xml(path: Path, root: etree._Element) -> bytes:
    """The package at ``path`` with its main part replaced by ``root``."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(info.filename, data)
    return out.getvalue()


def parent(element: etree._Element) -> etree._Element:
    found = element.getparent()
    assert found is not None
    return found


def text_of(element: etree._Element, *tags: str) -> str:
    return "".join(str(text) for text in element.itertext(*tags))


def attribute(element: etree._Element, name: str) -> str:
    return str(element.get(f"{W}{name}", ""))


def unwrap(element: etree._Element) -> None:
    container = parent(element)
    index = container.index(element)
    for offset, child in enumerate(list(element)):
        container.insert(index + offset, child)
    container.remove(element)


def paragraph_mark(paragraph: etree._Element, kind: str) -> etree._Element | None:
    return paragraph.find(f"{W}pPr/{W}rPr/{W}{kind}")


def reject_all(root: etree._Element) -> etree._Element:
    """Word's "Reject All Changes": inserted paragraphs and text go, deleted text comes back."""
    root = copy.deepcopy(root)
    for paragraph in list(root.iter(f"{W}p")):
        if paragraph_mark(paragraph, "ins") is not None:
            parent(paragraph).remove(paragraph)
    for inserted in list(root.iter(f"{W}ins")):
        if inserted.getparent() is not None:
            parent(inserted).remove(inserted)  # with any later deletion nested inside it
    for deleted in list(root.iter(f"{W}del")):
        if parent(deleted).tag == f"{W}rPr":
            parent(deleted).remove(deleted)  # a deleted paragraph mark: the paragraph stays separate
            continue
        for text in deleted.iter(f"{W}delText"):
            text.tag = f"{W}t"
        unwrap(deleted)
    return root


def view(root: etree._Element, accepted: Callable[[str], bool]) -> etree._Element:
    """Accept the changes whose date passes ``accepted`` and reject the others (a paragraph by paragraph view)."""
    root = copy.deepcopy(root)
    for inserted in list(root.iter(f"{W}ins")):
        if parent(inserted).tag == f"{W}rPr":
            continue
        if accepted(attribute(inserted, "date")):
            unwrap(inserted)
        else:
            parent(inserted).remove(inserted)
    for deleted in list(root.iter(f"{W}del")):
        if deleted.getparent() is None or parent(deleted).tag == f"{W}rPr":
            continue
        if accepted(attribute(deleted, "date")):
            parent(deleted).remove(deleted)
        else:
            for text in deleted.iter(f"{W}delText"):
                text.tag = f"{W}t"
            unwrap(deleted)
    for paragraph in list(root.iter(f"{W}p")):
        mark_inserted, mark_deleted = paragraph_mark(paragraph, "ins"), paragraph_mark(paragraph, "del")
        gone = (mark_inserted is not None and not accepted(attribute(mark_inserted, "date"))) or (
            mark_deleted is not None and accepted(attribute(mark_deleted, "date"))
        )
        if gone:
            # Word would join what is left to the next paragraph; in this example nothing is left.
            assert not text_of(paragraph, f"{W}t"), "a removed paragraph mark would merge paragraphs"
            parent(paragraph).remove(paragraph)
            continue
        for marker in (mark_inserted, mark_deleted):
            if marker is not None:
                parent(marker).remove(marker)
    return root


def read_view(root: etree._Element) -> SourceDocument:
    return read_bytes(with_document_xml(TRACKED, root), ".docx")


def revision_elements(root: etree._Element) -> list[etree._Element]:
    return list(root.iter(f"{W}ins", f"{W}del"))


# --------------------------------------------------------------------------------------------------------
# (a) Reproducible build
# --------------------------------------------------------------------------------------------------------


def test_rebuild_is_byte_identical(tmp_path: Path) -> None:
    written = builder().build(tmp_path)
    names = sorted(path.name for path in written)
    assert names == sorted([f"round-{n}.docx" for n in ROUNDS] + [TRACKED.name])
    for path in written:
        assert path.read_bytes() == (FOLDER / path.name).read_bytes(), f"{path.name} differs from the committed file"


# --------------------------------------------------------------------------------------------------------
# (b) Each round reads back with Word's numbers
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ROUNDS)
def test_round_document_shows_the_drafted_clauses(number: int) -> None:
    document = round_document(number)
    assert numbered_clauses(document) == expected_clauses(number)
    headings = [
        (block.label, document.text[block.start : block.end].split("\t", 1)[-1])
        for block in document.blocks
        if block.kind is BlockKind.HEADING and block.label
    ]
    assert headings == [(f"{a}.", article["heading"]) for a, article in enumerate(articles(number), start=1)]
    assert not document.facts["tracked_changes"]


def test_round_3_renumbers_by_inserting_an_article() -> None:
    """Inserting "Data Protection" as Article 2 pushes every later article down by one."""
    before = [article["key"] for article in articles(2)]
    after = [article["key"] for article in articles(3)]
    assert after[1] == "art-data-protection" and "art-data-protection" not in before
    assert after[:1] + after[2:] == before
    assert sections(2)["training"][0] == "3.1" and sections(3)["training"][0] == "4.1"


# --------------------------------------------------------------------------------------------------------
# (c), (d) The tracked document's accept-all and reject-all views
# --------------------------------------------------------------------------------------------------------


def test_reader_accept_all_view_equals_round_4() -> None:
    tracked = read_bytes(TRACKED.read_bytes(), ".docx")
    assert tracked.text == round_document(4).text


def test_accept_all_view_equals_round_4() -> None:
    accepted = read_view(view(document_xml(TRACKED), lambda date: True))
    assert accepted.text == round_document(4).text
    assert numbered_clauses(accepted) == expected_clauses(4)


def test_reader_accept_all_keeps_every_word_of_round_4() -> None:
    """What the reader gets right today: the accepted words, paragraph by paragraph, whatever the numbers."""
    tracked = read_bytes(TRACKED.read_bytes(), ".docx")
    words = [(c.heading, c.text) for c in segment(tracked) if c.number]
    assert words == [(heading, text) for _, heading, text in expected_clauses(4)]


def test_reject_all_view_equals_round_1() -> None:
    rejected = read_view(reject_all(document_xml(TRACKED)))
    assert rejected.text == round_document(1).text
    assert numbered_clauses(rejected) == expected_clauses(1)
    assert not rejected.facts["tracked_changes"]


@pytest.mark.parametrize("number", ROUNDS)
def test_changes_dated_up_to_a_round_give_that_round(number: int) -> None:
    cutoff = REVISIONS[number][1] if number > 1 else ""
    shown = read_view(view(document_xml(TRACKED), lambda date: date <= cutoff))
    assert shown.text == round_document(number).text


# --------------------------------------------------------------------------------------------------------
# (e) Authors, dates and the shape of the revisions
# --------------------------------------------------------------------------------------------------------


def test_tracked_changes_carry_exactly_the_three_rounds_authors_and_dates() -> None:
    root = document_xml(TRACKED)
    revisions = revision_elements(root)
    found = {(attribute(element, "author"), attribute(element, "date")) for element in revisions}
    assert found == set(REVISIONS.values())
    rounds = {entry["round"]: (entry["author"], entry["date"]) for entry in drafting()["rounds"][1:]}
    assert rounds == REVISIONS
    ids = [attribute(element, "id") for element in revisions]
    assert len(ids) == len(set(ids)) and "" not in ids
    facts = read_bytes(TRACKED.read_bytes(), ".docx").facts
    assert facts["revision_authors"] == ["Customer Counsel", "Vendor Counsel"]
    for number in ROUNDS[1:]:
        date = REVISIONS[number][1]
        assert any(e.get(f"{W}date") == date and e.tag == f"{W}ins" for e in revisions), number
        assert any(e.get(f"{W}date") == date and e.tag == f"{W}del" for e in revisions), number


def test_revisions_are_nested_as_word_writes_them() -> None:
    """Deleted text sits in w:delText, inserted text in w:t; a later deletion of an earlier insertion is
    ins(earlier) > del(later) > r; a deletion never contains an insertion."""
    root = document_xml(TRACKED)
    nested = 0
    for element in root.iter(f"{W}ins", f"{W}del"):
        if parent(element).tag == f"{W}rPr":
            continue
        inner = element.find(f"{W}del")
        if element.tag == f"{W}del":
            assert element.find(f".//{W}ins") is None and element.find(f".//{W}t") is None
            assert element.find(f".//{W}delText") is not None
        elif inner is not None:
            nested += 1
            assert attribute(element, "date") < attribute(inner, "date")
            assert len(element) == 1 and inner.find(f".//{W}t") is None
        else:
            assert element.find(f".//{W}delText") is None and element.find(f".//{W}t") is not None
    assert nested >= 10


def test_whole_paragraphs_mark_their_paragraph_marks() -> None:
    """Inserted paragraphs have an inserted mark and only inserted runs; deleted ones a deleted mark and only
    deleted runs; every other paragraph keeps some untracked text (changes are word-level)."""
    root = document_xml(TRACKED)
    inserted_marks = deleted_marks = 0
    for paragraph in root.iter(f"{W}p"):
        runs = paragraph.findall(f".//{W}r")
        tracked = [r for r in runs if parent(r).tag in (f"{W}ins", f"{W}del")]
        if paragraph_mark(paragraph, "ins") is not None:
            inserted_marks += 1
            assert all(f"{W}ins" in (parent(r).tag, parent(parent(r)).tag) for r in runs)
        if paragraph_mark(paragraph, "del") is not None:
            deleted_marks += 1
            assert all(parent(r).tag == f"{W}del" for r in runs)
        if paragraph_mark(paragraph, "ins") is None and paragraph_mark(paragraph, "del") is None:
            assert len(tracked) < len(runs), "a kept paragraph is redlined as a whole"
    # New: Data Protection heading, Processor Terms, the moved clause, Audit, Notice and Restoration.
    assert inserted_marks == 5
    # Deleted: Aggregated Data, the moved clause at its old place, Security Incidents (merged).
    assert deleted_marks == 3


def test_a_changed_word_is_a_deletion_then_an_insertion() -> None:
    """Round 4 shortens the notice period: "forty-eight (48)" (inserted by the vendor in round 3, deleted by
    the customer in round 4) followed by "thirty-six (36)" inserted by the customer."""
    root = document_xml(TRACKED)
    vendor, customer = REVISIONS[3][1], REVISIONS[4][1]
    for deleted in root.iter(f"{W}del"):
        if text_of(deleted) == "forty-eight (48)":
            outer = parent(deleted)
            assert outer.tag == f"{W}ins" and attribute(outer, "date") == vendor
            assert attribute(deleted, "date") == customer and attribute(deleted, "author") == "Customer Counsel"
            following = outer.getnext()
            assert following is not None and following.tag == f"{W}ins"
            assert text_of(following) == "thirty-six (36)" and attribute(following, "date") == customer
            break
    else:
        pytest.fail("no word-level deletion of 'forty-eight (48)'")


# --------------------------------------------------------------------------------------------------------
# (f) The renumbering-only clause
# --------------------------------------------------------------------------------------------------------


def test_renumbered_only_clause_keeps_its_words() -> None:
    cases = [
        (transition, entry)
        for transition in answer_key()["transitions"]
        for entry in transition["clauses"]
        if entry["status"] == "renumbered-only"
    ]
    assert len(cases) == 1, "exactly one clause changes only its number"
    transition, entry = cases[0]
    earlier, later = transition["from_round"], transition["to_round"]
    number_before, section_before, _ = sections(earlier)[entry["key"]]
    number_after, section_after, _ = sections(later)[entry["key"]]
    assert (number_before, number_after) == (entry["before"], entry["after"]) and number_before != number_after
    assert clause_wording(section_before) == clause_wording(section_after)
    clause_before = next(c for c in segment(round_document(earlier)) if c.number == number_before)
    clause_after = next(c for c in segment(round_document(later)) if c.number == number_after)
    assert (clause_before.heading, clause_before.text) == (clause_after.heading, clause_after.text)
    assert clause_before.heading == section_before["heading"]


# --------------------------------------------------------------------------------------------------------
# The answer key agrees with the drafting
# --------------------------------------------------------------------------------------------------------


def _as_list(value: str | list[str] | None) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else list(value)


@pytest.mark.parametrize("index", range(len(ROUNDS) - 1))
def test_answer_key_statuses_match_the_drafting(index: int) -> None:
    transition = answer_key()["transitions"][index]
    earlier, later = transition["from_round"], transition["to_round"]
    assert (earlier, later) == (index + 1, index + 2)
    assert transition["moved_by"] == drafting()["rounds"][later - 1]["party"]
    before, after = sections(earlier), sections(later)
    seen_before: list[str] = []
    seen_after: list[str] = []
    for entry in transition["clauses"]:
        key, status = entry["key"], entry["status"]
        assert status in STATUSES, key
        if status == "split-into":
            parts = entry["into"]
            seen_before.append(key)
            seen_after += parts
            assert [before[key][0]] == _as_list(entry["before"])
            assert [after[part][0] for part in parts] == _as_list(entry["after"])
            assert all(after[part][1].get("from") == [key] for part in parts)
            continue
        if status == "merged-from":
            sources = entry["from"]
            seen_before += sources
            seen_after.append(key)
            assert [before[source][0] for source in sources] == _as_list(entry["before"])
            assert [after[key][0]] == _as_list(entry["after"])
            assert after[key][1].get("from") == sources
            continue
        if status != "added":
            seen_before.append(key)
            assert before[key][0] == entry["before"], key
        else:
            assert key not in before and entry["before"] is None
        if status != "deleted":
            seen_after.append(key)
            assert after[key][0] == entry["after"], key
        else:
            assert key not in after and entry["after"] is None
        if status in ("unchanged", "renumbered-only", "moved"):
            assert clause_wording(before[key][1]) == clause_wording(after[key][1]), key
            assert (before[key][0] == after[key][0]) == (status == "unchanged"), key
            assert (before[key][2] != after[key][2]) == (status == "moved"), key
            assert "toward" not in entry, key
        elif status == "edited":
            assert clause_wording(before[key][1]) != clause_wording(after[key][1]), key
            assert before[key][2] == after[key][2], key
        if status not in ("unchanged", "renumbered-only", "moved"):
            assert entry["toward"] in ("customer", "vendor"), key
    assert sorted(seen_before) == sorted(before), "every clause of the earlier round exactly once"
    assert sorted(seen_after) == sorted(after), "every clause of the later round exactly once"


def test_answer_key_covers_the_required_moves() -> None:
    statuses = {t["to_round"]: {e["status"] for e in t["clauses"]} for t in answer_key()["transitions"]}
    assert {"added", "deleted", "edited"} <= statuses[2]
    assert {"added", "moved", "split-into", "merged-from", "renumbered-only", "edited"} <= statuses[3]
    assert statuses[4] == {"unchanged", "edited"}


def test_answer_key_categories_are_taxonomy_ids_touched_by_the_round() -> None:
    known = set(taxonomy().category_ids)
    for number in ROUNDS:
        for clause, (_, section, _) in sections(number).items():
            assert set(section["categories"]) <= known, (number, clause)
    answers = answer_key()
    for transition in answers["transitions"]:
        after, before = sections(transition["to_round"]), sections(transition["from_round"])
        touched: set[str] = set()
        for entry in transition["clauses"]:
            if "toward" in entry:
                keys = [entry["key"], *entry.get("into", []), *entry.get("from", [])]
                for clause in keys:
                    for side in (before, after):
                        if clause in side:
                            touched |= set(side[clause][1]["categories"])
        assert set(transition["toward"]) <= touched, transition["to_round"]
        assert set(transition["toward"].values()) <= {"customer", "vendor"}
        labelled = set(transition["over_reach"]) | set(transition["proportionate"])
        assert labelled <= set(before) | set(after)
    assert set(answers["outcome"]["settled"]) <= known and set(answers["outcome"]["in_dispute"]) <= known
    settled = answers["outcome"]["settled"]
    last = answers["transitions"][-1]
    assert not set(settled) & set(last["toward"]), "a settled category is not touched in the last round"
    assert set(answers["outcome"]["in_dispute"]) <= set(last["toward"]), "a disputed category still moves"


def test_answer_key_escalation_matches_the_text() -> None:
    for transition in answer_key()["transitions"]:
        earlier, later = transition["from_round"], transition["to_round"]
        escalation = transition["escalation"]
        assert defined_terms(later) - defined_terms(earlier) == set(escalation["new_defined_terms"]), later
        later_sections = sections(later)
        for item in escalation["stacked_qualifiers"]:
            assert item["phrase"] in clause_wording(later_sections[item["key"]][1]), item
        if not escalation["stacked_qualifiers"]:
            text = round_text(later).lower()
            assert not [marker for marker in QUALIFIER_MARKERS if marker in text], later
        for item in escalation["undefined_terms"]:
            term = item["term"]
            assert term in clause_wording(later_sections[item["key"]][1])
            assert term not in round_text(earlier) and term not in defined_terms(later)


def aligned_word_changes(transition: dict[str, Any]) -> int:
    """Words deleted plus words inserted, clause by clause as the answer key aligns them (a move costs nothing)."""
    before, after = sections(transition["from_round"]), sections(transition["to_round"])

    def wording(side: dict[str, tuple[str, dict[str, Any], str]], keys: list[str]) -> list[str]:
        return " ".join(clause_wording(side[key][1]) for key in keys if key in side).split()

    total = 0
    for entry in transition["clauses"]:
        old_keys = entry.get("from", [entry["key"]])
        new_keys = entry.get("into", [entry["key"]])
        old, new = wording(before, old_keys), wording(after, new_keys)
        opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
        total += sum((i2 - i1) + (j2 - j1) for tag, i1, i2, j1, j2 in opcodes if tag != "equal")
    return total


def test_negotiation_converges() -> None:
    """Each round changes fewer clauses than the one before, and round 4 changes only a few words."""
    transitions = answer_key()["transitions"]
    substantive = [sum("toward" in entry for entry in t["clauses"]) for t in transitions]
    assert substantive == sorted(substantive, reverse=True) and len(set(substantive)) == len(substantive)
    words = [aligned_word_changes(t) for t in transitions]
    assert words[-1] * 10 < min(words[:-1]), words
    assert answer_key()["outcome"]["converging"] is True
