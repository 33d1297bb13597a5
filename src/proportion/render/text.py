"""The terminal report: document facts, the outline of clauses with their labels, and the defined terms."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from proportion.models import Clause, Review

_PREVIEW_WORDS = 14


def _preview(text: str) -> str:
    words = text.split()
    return " ".join(words[:_PREVIEW_WORDS]) + (" …" if len(words) > _PREVIEW_WORDS else "")


def _facts(review: Review) -> Table:
    document = review.document
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    table.add_row("File", document.path)
    table.add_row("Format", document.format.upper())
    if document.title:
        table.add_row("Title", document.title)
    table.add_row(
        "Size",
        f"{len(document.text.split()):,} words, {len(review.clauses)} clauses, "
        f"{len(review.defined_terms)} defined terms",
    )
    table.add_row("Acting for", str(review.context.get("side", "customer")))
    facts = document.facts
    if facts.get("pages"):
        table.add_row("Pages", str(facts["pages"]))
    if facts.get("tracked_changes"):
        revision_authors = facts.get("revision_authors")
        authors = ", ".join(map(str, revision_authors)) if isinstance(revision_authors, list) else ""
        authors = authors or "unknown"
        table.add_row(
            "Tracked changes",
            f"{facts.get('tracked_insertions', 0)} insertions, "
            f"{facts.get('tracked_deletions', 0)} deletions by {authors} (read with all changes accepted)",
        )
    if facts.get("comments"):
        table.add_row("Comments", str(facts["comments"]))
    table.add_row("SHA-256", document.sha256[:16] + "…")
    return table


def _outline(clauses: list[Clause]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_edge=False)
    table.add_column("Id", style="dim", no_wrap=True)
    table.add_column("No.", max_width=16, overflow="fold")
    table.add_column("Heading", style="bold", max_width=24)
    table.add_column("Text", ratio=1, min_width=30)
    table.add_column("Risk categories · mechanisms", max_width=34)
    previous_heading = None
    for clause in clauses:
        heading = clause.heading if clause.heading != previous_heading else ""
        previous_heading = clause.heading
        number = Text(" " * min(clause.level, 3) + clause.number)
        table.add_row(clause.id, number, heading, _preview(clause.text), _labels(clause))
    return table


def _labels(clause: Clause) -> Text:
    """Categories in colour, then mechanisms dimmed: what the clause allocates, and how."""
    labels = Text(", ".join(clause.categories), style="cyan")
    if clause.mechanisms:
        labels.append(("\n" if clause.categories else "") + ", ".join(clause.mechanisms), style="dim")
    return labels


def _terms(review: Review) -> Table:
    by_id = {clause.id: clause for clause in review.clauses}
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    table.add_column("Defined term", style="bold")
    table.add_column("Defined in")
    table.add_column("Uses", justify="right")
    table.add_column("Used in clauses")
    for term in review.defined_terms:
        where = by_id[term.clause]
        used_in = sorted({use.clause for use in term.uses}, key=lambda cid: int(cid[1:]))
        shown = ", ".join(by_id[cid].number or cid for cid in used_in[:8]) + (" …" if len(used_in) > 8 else "")
        table.add_row(term.term, where.number or where.id, str(len(term.uses)), shown or "unused")
    return table


def render_text(review: Review) -> RenderableType:
    parts: list[RenderableType] = [Panel(_facts(review), title="proportion review", title_align="left")]
    parts.append(Text("\nClauses", style="bold underline"))
    parts.append(_outline(review.clauses) if review.clauses else Text("No clauses found."))
    if review.defined_terms:
        parts.append(Text("\nDefined terms", style="bold underline"))
        parts.append(_terms(review))
    return Group(*parts)
