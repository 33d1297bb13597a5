"""The terminal report of a negotiation: escalation per round, who moved which way, the changes, what is left."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from proportion.rounds import ClauseChange, ClauseText, Negotiation, Round

_STATUS_STYLE = {
    "edited": "yellow",
    "added": "green",
    "deleted": "red",
    "moved": "cyan",
    "split": "magenta",
    "merged": "magenta",
    "renumbered": "dim",
}
_DIFF_WORDS = 40


def _escalation(negotiation: Negotiation) -> Table:
    table = Table(title="Escalation per round", box=box.SIMPLE_HEAD, title_justify="left")
    for column in ("round", "by", "changes", "words +/-", "new defined terms", "imprecision /1k words",
                   "categories touched / contested", "converging"):
        table.add_column(column, justify="left" if column in ("round", "by", "new defined terms") else "right")
    for item in negotiation.rounds:
        escalation = item.escalation
        converging = "-" if item.converging is None else "yes" if item.converging else "no"
        table.add_row(
            f"{item.number}: {item.label}",
            item.party,
            str(escalation.changes),
            f"+{escalation.words_added} / -{escalation.words_removed}",
            ", ".join(escalation.new_defined_terms) or "-",
            f"{escalation.imprecision_index:.2f}",
            f"{escalation.categories_touched} / {escalation.categories_contested}",
            converging,
        )
    return table


def _diff(change: ClauseChange) -> Text:
    """The changed words with a little context: removed struck through in red, added in green."""
    text = Text()
    budget = _DIFF_WORDS
    for op, words in change.diff:
        pieces = words.split()
        if op == "=":
            kept = words if len(pieces) <= 6 else " ".join([*pieces[:3], "…", *pieces[-3:]])
            text.append(kept + " ", style="dim")
            continue
        shown = " ".join(pieces[:budget]) + (" …" if len(pieces) > budget else "")
        budget = max(budget - len(pieces), 8)
        text.append(shown + " ", style="strike red" if op == "-" else "green")
    return text


def _round(item: Round) -> RenderableType:
    parts: list[RenderableType] = [Text(f"\nRound {item.number}: {item.label} (by the {item.party})", style="bold")]
    if item.categories:
        moves = Table(box=box.SIMPLE_HEAD)
        for column in ("category", "toward", "how far", "lean before → after", "clauses changed"):
            moves.add_column(column, justify="left" if column in ("category", "toward") else "right")
        for move in item.categories:
            moves.add_row(move.category, move.toward, str(move.distance), f"{move.lean_before} → {move.lean_after}",
                          str(move.clauses))
        parts.append(moves)
    for over in item.over_reach:
        parts.append(Text(f"over-reach: §{over.clause} {over.rule} {over.title}: “{over.evidence}”", style="red"))
    changes = Table(box=box.SIMPLE_HEAD, show_lines=False)
    for column in ("status", "before", "after", "heading", "toward", "words changed"):
        changes.add_column(column)
    unchanged = 0
    for change in item.changes:
        if change.status == "unchanged":
            unchanged += 1
            continue
        changes.add_row(
            Text(change.status, style=_STATUS_STYLE.get(change.status, "")),
            ", ".join(number or "(unnumbered)" for number in change.before) or "-",
            ", ".join(number or "(unnumbered)" for number in change.after) or "-",
            change.heading,
            change.toward or "-",
            Group(Text(f"+{change.words_added} / -{change.words_removed}"), _diff(change)) if change.diff else "",
        )
    parts += [changes, Text(f"{unchanged} clauses unchanged", style="dim")]
    return Group(*parts)


def _positions(party: str, clauses: list[ClauseText]) -> list[Text]:
    if not clauses:
        return [Text(f"  {party}: -")]
    return [Text(f"  {party}, §{clause.clause or '(unnumbered)'}: {clause.text}") for clause in clauses]


def render_rounds_text(negotiation: Negotiation) -> RenderableType:
    versions = Table(title="Versions", box=box.SIMPLE_HEAD, title_justify="left")
    for column in ("version", "label", "written by", "words", "clauses"):
        versions.add_column(column, justify="right" if column in ("words", "clauses") else "left")
    for version in negotiation.versions:
        versions.add_row(str(version.number), version.label, version.party, f"{version.words:,}", str(version.clauses))
    parts: list[RenderableType] = [versions, _escalation(negotiation)]
    parts += [_round(item) for item in negotiation.rounds]
    parts.append(Text("\nIn dispute after the last round", style="bold underline"))
    if not negotiation.in_dispute:
        parts.append(Text("Nothing: no category moved back against the previous round."))
    for dispute in negotiation.in_dispute:
        parts += [
            Text(f"{dispute.category} (moved in {dispute.moves} rounds)", style="bold"),
            *_positions("customer", dispute.customer_position),
            *_positions("vendor", dispute.vendor_position),
            Text(f"  proportionate middle: {dispute.proportionate_middle}", style="green"),
        ]
        parts += [Text(f"  last over-reach: §{o.clause} {o.title}", style="red") for o in dispute.last_over_reach]
    if negotiation.settled:
        parts.append(Text(f"\nSettled (moved earlier, not in the last round): {', '.join(negotiation.settled)}"))
    return Group(*parts)
