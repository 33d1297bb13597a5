"""The terminal report: facts, deal context, the per-category table, findings, the clause outline, defined terms."""

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


_VERDICT_STYLE = {
    "under-protective": "bold red",
    "not addressed": "yellow",
    "over-protective": "magenta",
    "unclear": "cyan",
    "proportionate": "green",
}
_SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}


def _context(review: Review) -> Text:
    context = review.context
    assumed = context.get("assumed")
    assumed = assumed if isinstance(assumed, list) else []
    shown = [
        f"acting for the {context.get('side')}",
        f"{context.get('data')} information enters the model",
        "a human reviews output" if context.get("human_review") else "no human review of output",
        f"deployment: {context.get('deployment')}",
    ]
    text = Text("Deal context: " + "; ".join(shown) + ".")
    if assumed:
        text.append(f"\nAssumed (not given): {', '.join(str(item) for item in assumed)}.", style="dim")
    return text


def _categories(review: Review) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1))
    for column in ("Category", "Matters", "Clauses", "Findings", "Position", "Verdict", "Target (playbook)"):
        table.add_column(column, justify="right" if column in ("Clauses", "Findings") else "left", no_wrap=True)
    categories = review.summary.get("categories")
    assert isinstance(categories, dict)
    for category, row in categories.items():
        verdict = str(row["verdict"])
        table.add_row(
            category,
            str(row["materiality"]),
            str(len(row["clauses"])),
            str(row["findings"]),
            str(row["position"]),
            Text(verdict, style=_VERDICT_STYLE.get(verdict, "")),
            str(row.get("playbook", {}).get("target", "")),
        )
    return table


def _findings(review: Review) -> Table:
    numbers = {clause.id: clause.number or clause.id for clause in review.clauses}
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_edge=False)
    table.add_column("Rule", no_wrap=True)
    table.add_column("Severity")
    table.add_column("Clause", max_width=14, overflow="fold")
    table.add_column("Evidence and reason", ratio=1, min_width=40)
    for finding in review.findings:
        evidence = review.document.text[finding.start : finding.end]
        body = Text(f"“{_preview(evidence)}”\n", style="italic")
        body.append(finding.reason)
        body.append(f"\nProportionate: {finding.suggestion}", style="green")
        if finding.facts:
            body.append(f"\nMaterial because: {'; '.join(finding.facts)}.", style="dim")
        table.add_row(
            f"{finding.rule}\n{finding.family}",
            Text(finding.severity, style=_SEVERITY_STYLE.get(finding.severity, "")),
            numbers.get(finding.clause or "", ""),
            body,
        )
    return table


def _edits(review: Review) -> Table:
    """Each proposed edit: where, what changes, and whether it only adds precision or moves risk."""
    numbers = {clause.id: clause.number or clause.id for clause in review.clauses}
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_edge=False)
    table.add_column("Edit", no_wrap=True)
    table.add_column("Clause", max_width=14, overflow="fold")
    table.add_column("Change", ratio=1, min_width=40)
    table.add_column("Grade", no_wrap=True)
    for edit in review.edits:
        old = review.document.text[edit.start : edit.end]
        change = Text()
        if edit.kind == "new-clause":
            change.append("new clause after it: ", style="dim")
        if old:
            change.append(_preview(old), style="strike red")
            change.append(" ")
        change.append(_preview(edit.text), style="green")
        change.append(f"\n{', '.join(edit.rules)} → {edit.position}", style="dim")
        grade = Text(edit.grade, style="green" if edit.grade == "safe" else "yellow")
        table.add_row(edit.id, numbers.get(edit.clause or "", ""), change, grade)
    return table


def render_text(review: Review) -> RenderableType:
    parts: list[RenderableType] = [Panel(_facts(review), title="proportion review", title_align="left")]
    parts.append(_context(review))
    parts.append(Text("\nRisk categories in this deal", style="bold underline"))
    parts.append(_categories(review))
    parts.append(Text(f"\nFindings ({len(review.findings)})", style="bold underline"))
    parts.append(_findings(review) if review.findings else Text("No findings."))
    if review.edits:
        parts.append(Text(f"\nProposed edits ({len(review.edits)}; --format docx writes them as tracked changes)",
                          style="bold underline"))
        parts.append(_edits(review))
    parts.append(Text("\nClauses", style="bold underline"))
    parts.append(_outline(review.clauses) if review.clauses else Text("No clauses found."))
    if review.defined_terms:
        parts.append(Text("\nDefined terms", style="bold underline"))
        parts.append(_terms(review))
    return Group(*parts)
