"""The rounds page (`proportion rounds --format html`) and the JSON schema page.

The page is mailed to clients and opened offline, so it must stand alone (no script, nothing fetched) and never let
an agreement's words become markup. Its charts must show one bar or point per round. The schema page is read by
other programs' authors, so every field of the models must be documented.
"""

from __future__ import annotations

import html
import json
import re
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from proportion.ingest import read_bytes
from proportion.knowledge.playbook import default_playbook
from proportion.render.rounds_html import Series, category_leans, render_rounds_html, svg_chart
from proportion.rounds import (
    CategoryMove,
    ClauseChange,
    ClauseText,
    Dispute,
    Escalation,
    Negotiation,
    OverReach,
    Party,
    Round,
    Status,
    negotiate,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "negotiation"
SCHEMA_DOC = ROOT / "docs" / "rounds-schema.md"
HOSTILE = '<script>alert(1)</script>" onmouseover="alert(2)'
METRIC_CHARTS = {
    # chart id: bars or points per round
    "chart-changes": ("bar", 1),
    "chart-words": ("bar", 2),
    "chart-terms": ("bar", 1),
    "chart-imprecision": ("point", 1),
    "chart-categories": ("bar", 2),
    "chart-over-reach": ("bar", 1),
}


@pytest.fixture(scope="module")
def negotiation() -> Negotiation:
    documents = [
        (f"round-{k}.docx", read_bytes((EXAMPLE / f"round-{k}.docx").read_bytes(), ".docx")) for k in range(1, 5)
    ]
    return negotiate(documents, "vendor", {}, default_playbook())


@pytest.fixture(scope="module")
def page(negotiation: Negotiation) -> str:
    return render_rounds_html(negotiation)


def _svgs(page: str) -> dict[str, str]:
    return dict(re.findall(r'<svg id="([^"]+)"[^>]*>(.*?)</svg>', page, flags=re.S))


def _section(page: str, ident: str) -> str:
    found = re.search(rf'<section[^>]* id="{ident}">(.*?)</section>', page, flags=re.S)
    assert found, ident
    return found.group(1)


def test_the_page_stands_alone(page: str) -> None:
    assert page.startswith("<!doctype html>") and "<style>" in page
    lowered = page.lower()
    assert "<script" not in lowered and "javascript:" not in lowered
    assert "<link" not in lowered and "@import" not in lowered and "url(" not in lowered
    assert "<img" not in lowered and "<iframe" not in lowered and "<object" not in lowered
    targets = re.findall(r"""\b(?:src|href|xlink:href)\s*=\s*["']?([^"'\s>]*)""", page, flags=re.I)
    assert targets, "the contents links are expected"
    assert all(target.startswith("#") for target in targets), targets


def test_one_chart_per_metric_with_a_bar_or_point_per_round(page: str, negotiation: Negotiation) -> None:
    rounds = len(negotiation.rounds)
    assert rounds == 3
    svgs = _svgs(page)
    for ident, (mark, per_round) in METRIC_CHARTS.items():
        assert page.count(f'<svg id="{ident}"') == 1, ident
        body = svgs[ident]
        assert body.count(f'class="{mark}"') == rounds * per_round, ident
        assert f'<title id="{ident}-title">' in body and f'<desc id="{ident}-desc">' in body
    opening = re.search(r'<svg id="chart-changes"[^>]*>', page)
    assert opening and 'role="img"' in opening.group(0) and 'aria-labelledby="chart-changes-title' in opening.group(0)


def test_the_charts_show_the_rounds_figures(page: str, negotiation: Negotiation) -> None:
    svgs = _svgs(page)
    for item in negotiation.rounds:
        where = f"Round {item.number} {item.party}"
        assert f"<title>{where}: {item.escalation.changes}</title>" in svgs["chart-changes"]
        assert f"<title>added — {where}: {item.escalation.words_added}</title>" in svgs["chart-words"]
        assert f"<title>removed — {where}: {item.escalation.words_removed}</title>" in svgs["chart-words"]
        assert f"<title>{where}: {len(item.escalation.new_defined_terms)}</title>" in svgs["chart-terms"]


def test_lean_small_multiples_one_point_per_version(page: str, negotiation: Negotiation) -> None:
    leans = category_leans(negotiation)
    assert {"security", "training-use", "model-change"} <= set(leans)
    multiples = {ident: body for ident, body in _svgs(page).items() if ident.startswith("chart-lean-")}
    assert len(multiples) == len(leans)
    for body in multiples.values():
        assert body.count('class="point"') == len(negotiation.versions)
    # The leans are rebuilt from the rounds: the first round gives versions 1 and 2 exactly.
    first = negotiation.rounds[0]
    for move in first.categories:
        assert leans[move.category][0] == move.lean_before and leans[move.category][1] == move.lean_after


def test_each_round_has_its_moves_over_reach_and_changes(page: str, negotiation: Negotiation) -> None:
    for item in negotiation.rounds:
        section = _section(page, f"round-{item.number}")
        for move in item.categories:
            assert f"<td>{html.escape(move.category)}</td>" in section
        for reach in item.over_reach:
            assert html.escape(reach.evidence) in section and reach.rule in section
        statuses = {change.status for change in item.changes if change.status != "unchanged"}
        for status in statuses:
            assert f'<span class="status {status}">{status}</span>' in section
        unchanged = sum(change.status == "unchanged" for change in item.changes)
        folded = sum(int(count) for count in re.findall(r"<summary>(\d+) clauses? unchanged</summary>", section))
        assert folded == unchanged
    round_three = _section(page, "round-3")
    assert "§4.2 + §4.3 → §5.2" in round_three  # the merge
    assert "§7.2 → §8.2 + §8.3" in round_three  # the split


def test_the_redline_uses_del_and_ins(page: str, negotiation: Negotiation) -> None:
    round_four = _section(page, "round-4")
    assert "<del>forty-eight (48)</del> <ins>thirty-six (36)</ins>" in round_four
    for item in negotiation.rounds:
        section = _section(page, f"round-{item.number}")
        for change in item.changes:
            for op, words in change.diff:
                if op != "=":
                    tag = "del" if op == "-" else "ins"
                    assert f"<{tag}>{html.escape(words)}</{tag}>" in section


def test_in_dispute_and_settled(page: str, negotiation: Negotiation) -> None:
    assert {dispute.category for dispute in negotiation.in_dispute} == {"security", "model-change"}
    section = _section(page, "dispute")
    for dispute in negotiation.in_dispute:
        assert f"<h3>{dispute.category} <small>moved in {dispute.moves} of 3 rounds</small></h3>" in section
        assert html.escape(dispute.proportionate_middle) in section
    assert "<mark>sixty (60)</mark>" in section and "<mark>thirty (30)</mark>" in section
    assert "training-use" in negotiation.settled
    for category in negotiation.settled:
        assert f'<span class="cat settled">{category}</span>' in section


def _hostile(negotiation: Negotiation) -> Negotiation:
    """The example with hostile text in every string the page shows."""
    last = negotiation.rounds[-1]
    change = ClauseChange(
        status="edited", before=["5.2"], after=[HOSTILE], heading=HOSTILE, heading_before=HOSTILE,
        categories=[HOSTILE], words_added=1,
        words_removed=1, diff=[("=", HOSTILE), ("-", HOSTILE), ("+", HOSTILE), ("=", HOSTILE)], toward="customer",
        basis="mover",
    )
    reach = OverReach(clause=HOSTILE, rule=HOSTILE, title=HOSTILE, severity="high", categories=[HOSTILE],
                      evidence=HOSTILE)
    move = CategoryMove(category=HOSTILE, lean_before=1, lean_after=-1, toward="customer", distance=2, clauses=1)
    escalation = last.escalation.model_copy(
        update={"new_defined_terms": [HOSTILE], "stacked_qualifiers": [HOSTILE], "undefined_terms": [HOSTILE]}
    )
    hostile_round = last.model_copy(
        update={"label": HOSTILE, "changes": [change, *last.changes], "categories": [move, *last.categories],
                "over_reach": [reach], "escalation": escalation}
    )
    dispute = Dispute(category=HOSTILE, customer_position=[ClauseText(clause="5.2", text=HOSTILE)],
                      vendor_position=[ClauseText(clause=HOSTILE, text="x")], proportionate_middle=HOSTILE, moves=2,
                      last_over_reach=[reach])
    versions = [
        version.model_copy(update={"label": HOSTILE, "lean": {**version.lean, HOSTILE: 1}})
        for version in negotiation.versions
    ]
    return negotiation.model_copy(
        update={"versions": versions, "rounds": [*negotiation.rounds[:-1], hostile_round],
                "in_dispute": [dispute, *negotiation.in_dispute], "settled": [HOSTILE]}
    )


def test_hostile_text_is_escaped_everywhere(negotiation: Negotiation) -> None:
    page = render_rounds_html(_hostile(negotiation))
    assert "<script" not in page.lower()
    assert 'onmouseover="' not in page
    escaped = html.escape(HOSTILE)
    assert page.count(escaped) >= 15
    lean = _svgs(page)["chart-lean-script-alert-1-script-onmouseover-alert-2"]
    assert escaped in lean  # SVG text is escaped too
    assert f"<ins>{escaped}</ins>" in page and f"<del>{escaped}</del>" in page


def test_the_chart_helper_scales_negative_values_and_escapes() -> None:
    svg = svg_chart("t", "a <b> chart", [Series("s&p", [("one", -3), ("two", 5), ("x<y", 0)], "#000")])
    assert svg.count('class="bar"') == 3
    assert "&lt;b&gt;" in svg and "x&lt;y" in svg and "<b>" not in svg
    assert "−3" in svg and ">5<" in svg
    line = svg_chart("l", "line", [Series("a", [("v1", 1.25), ("v2", 0.5)], "#000")], kind="line", decimals=2)
    assert line.count('class="point"') == 2 and "1.25" in line
    assert svg_chart("e", "empty", [Series("none", [], "#000")]).count('class="bar"') == 0


def test_a_negotiation_of_one_version_still_renders() -> None:
    page = render_rounds_html(Negotiation(versions=[], rounds=[], in_dispute=[], settled=[]))
    assert "no round to chart" in page and "Nothing in dispute" in page


# --- the JSON schema page ----------------------------------------------------------------------------------


def _nested(annotation: object, listed: bool = False) -> Iterator[tuple[type[BaseModel], bool]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation, listed
        return
    origin = typing.get_origin(annotation)
    for argument in typing.get_args(annotation):
        yield from _nested(argument, listed or origin is list)


def _paths(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    """Every field as the schema page names it: ``rounds[].changes[].status``, ``rounds[].escalation.changes``."""
    for name, field in model.model_fields.items():
        path = prefix + (field.alias or name)
        yield path
        for inner, listed in _nested(field.annotation):
            yield from _paths(inner, path + ("[]." if listed else "."))


def test_the_schema_page_documents_every_field() -> None:
    document = SCHEMA_DOC.read_text(encoding="utf-8")
    paths = list(_paths(Negotiation))
    assert "rounds[].changes[].diff" in paths and "in_dispute[].last_over_reach[].evidence" in paths
    missing = [path for path in paths if f"`{path}`" not in document]
    assert not missing, f"docs/rounds-schema.md does not document: {missing}"


def test_the_schema_page_documents_every_enumeration() -> None:
    document = SCHEMA_DOC.read_text(encoding="utf-8")
    values = [*typing.get_args(Status), *typing.get_args(Party), "findings", "mover", "proportion.rounds/1"]
    missing = [value for value in values if f"`{value}`" not in document and f'`"{value}"`' not in document]
    assert not missing
    basis = typing.get_args(typing.get_args(ClauseChange.model_fields["basis"].annotation)[0])
    assert set(basis) == {"findings", "mover"}


def test_the_schema_example_is_json_with_the_models_keys() -> None:
    document = SCHEMA_DOC.read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)```", document, flags=re.S)
    assert block
    example = json.loads(block.group(1))
    assert example["schema"] == "proportion.rounds/1"
    assert set(example) == {field.alias or name for name, field in Negotiation.model_fields.items()}
    shown = example["rounds"][0]
    assert set(shown) == set(Round.model_fields)
    assert set(shown["escalation"]) == set(Escalation.model_fields)
    assert all(set(change) == set(ClauseChange.model_fields) for change in shown["changes"])
    assert all(set(move) == set(CategoryMove.model_fields) for move in shown["categories"])
    assert all(set(dispute) == set(Dispute.model_fields) for dispute in example["in_dispute"])
