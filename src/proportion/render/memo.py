"""The negotiation memo: per material category, where the agreement stands, the proportionate target, why, the
proposed language and the questions to put to the other side; then what to concede.

Written once as Markdown; the HTML memo is the same Markdown rendered by markdown-it (already a dependency of
rich) inside a page with inline CSS, so it opens offline and prints cleanly.
"""

from __future__ import annotations

import html
from typing import Any

from markdown_it import MarkdownIt

from proportion.knowledge import taxonomy
from proportion.knowledge.playbook import Playbook
from proportion.models import Clause, Edit, Finding, Review

_PLAIN_NATURE = {
    "inherent": "This is an inherent risk of AI: no amount of care removes it. Proportion here means transparency, "
    "human review of output and a disclaimer limited to the nature of output.",
    "preventable": "This is a preventable risk: it comes from failures the vendor controls. Proportion here means a "
    "concrete vendor obligation with real liability for breach, never swept into an AI disclaimer.",
    "consent": "This is a consent question: a business choice about the customer's data. Proportion here means an "
    "explicit, specific and revocable permission.",
    "allocation": "This is an allocation question: who owns what, and who answers to third parties. Proportion here "
    "means a clear assignment and an indemnity scoped to what each side controls.",
    "governance": "This is a governance question: managing change and third parties over time. Proportion here means "
    "notice, documentation and a right to object or leave on material change.",
    "continuity": "This is a continuity question: keeping the customer's operations whole when a feature stops. "
    "Proportion here means narrow triggers, notice, short duration, restoration and fee relief.",
}
_ORDER = {"high": 0, "medium": 1, "low": 2}


def _material(review: Review) -> list[tuple[str, dict[str, Any]]]:
    """Categories worth a section: any finding, or medium/high materiality and not proportionate; most material
    first."""
    categories = review.summary.get("categories", {})
    assert isinstance(categories, dict)
    chosen = [
        (category, entry)
        for category, entry in categories.items()
        if entry["findings"] or (entry["materiality"] != "low" and not entry["proportionate"])
    ]
    return sorted(chosen, key=lambda item: (_ORDER[item[1]["materiality"]], -item[1]["findings"]))


def _quote(text: str, limit: int = 240) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + " …"


def _clause_name(clause: Clause) -> str:
    name = (f"§{clause.number}" if clause.number[:1].isdigit() else clause.number) if clause.number else ""
    return f"{name} {clause.heading}".strip() or _quote(clause.text, 60)


def _edit_lines(edit: Edit, text: str, clauses: dict[str, Clause]) -> list[str]:
    where = _clause_name(clauses[edit.clause]) if edit.clause in clauses else "the agreement"
    old = text[edit.start : edit.end]
    grade = "precision only" if edit.grade == "safe" else "moves risk: needs your judgement"
    head = f"- **{', '.join(edit.rules)}** — {where} ({grade})"
    if edit.kind == "new-clause":
        return [head + ": add a new clause after it:", "", f"  > {_quote(edit.text, 2000)}", ""]
    if edit.kind == "insert":
        return [head + ": add:", "", f"  > {_quote(edit.text, 2000)}", ""]
    if edit.kind == "delete":
        return [head + f": strike “{_quote(old)}”", ""]
    return [head + f": replace “{_quote(old)}” with:", "", f"  > {_quote(edit.text, 2000)}", ""]


def _finding_line(finding: Finding, text: str, clauses: dict[str, Clause], titles: dict[str, str]) -> str:
    where = _clause_name(clauses[finding.clause]) if finding.clause in clauses else "missing from the agreement"
    evidence = f": “{_quote(text[finding.start : finding.end], 160)}”" if finding.clause else ""
    return f"- {titles[finding.rule]} ({finding.rule}, {finding.severity}) — {where}{evidence}"


def render_markdown(review: Review, playbook: Playbook) -> str:
    from proportion.knowledge.rules import rulebook

    text = review.document.text
    clauses = {clause.id: clause for clause in review.clauses}
    titles = {code: rule.title for code, rule in rulebook().rules.items()}
    context = review.context
    side = str(context.get("side", "customer"))
    listed = context.get("assumed")
    assumed = [str(question) for question in listed] if isinstance(listed, list) else []
    lines = [
        f"# Negotiation memo: {review.document.title or review.document.path}",
        "",
        f"Acting for the **{side}**. What enters the model: **{context.get('data')}**; "
        f"human review of output: **{'yes' if context.get('human_review') else 'no'}**; "
        f"model run by: **{context.get('deployment')}**.",
    ]
    if assumed:
        lines += ["", f"*Assumed (not stated): {', '.join(assumed)}.*"]
    high = [finding for finding in review.findings if finding.severity == "high"]
    lines += [
        "",
        f"{len(review.findings)} findings ({len(high)} high), {len(review.edits)} proposed edits "
        f"({sum(edit.grade == 'safe' for edit in review.edits)} precision-only).",
        "",
        "| Category | Nature | Materiality | Where it stands | Verdict |",
        "|---|---|---|---|---|",
    ]
    material = _material(review)
    for category, entry in material:
        lines.append(
            f"| {category} | {entry['nature']} | {entry['materiality']} | {entry['position']} | {entry['verdict']} |"
        )
    concede = []
    for category, entry in material:
        lines += ["", f"## {category} — {entry['materiality']} materiality", ""]
        governing = [
            _clause_name(clauses[identifier])
            for identifier in entry["clauses"]
            if identifier in clauses and "definition" not in clauses[identifier].mechanisms
        ]
        stands = f"**Where the agreement stands:** {entry['position']}"
        stands += f" ({', '.join(governing[:6])}{' …' if len(governing) > 6 else ''})." if governing else "."
        lines += [stands, ""]
        findings = [finding for finding in review.findings if finding.categories[0] == category]
        lines += [_finding_line(finding, text, clauses, titles) for finding in findings]
        placed = entry.get("playbook", {})
        book = playbook.category(category)
        if placed:
            lines += ["", f"**Proportionate target:** {placed['target_summary']}"]
            fallbacks = [book.position(identifier).summary for identifier in placed["fallbacks"]]
            if fallbacks:
                lines += ["", "**Fallbacks, in order:** " + " → ".join(fallbacks)]
        nature = taxonomy().category(category).nature
        lines += ["", f"**Why:** {_PLAIN_NATURE[nature]}"]
        edits = [edit for edit in review.edits if edit.category == category]
        if edits:
            lines += ["", "**Proposed language:**", ""]
            for edit in edits:
                lines += _edit_lines(edit, text, clauses)
        lines += ["", "**Questions for the other side:**", ""]
        lines += [f"- {question}" for question in book.questions]
        if entry["verdict"] == "over-protective":
            concede.append(category)
    if concede:
        lines += [
            "",
            "## Where to concede",
            "",
            "These terms ask more of the other side than the risk warrants; giving them up costs little and earns "
            "credibility on the points that matter:",
            "",
        ]
        lines += [f"- {category}" for category in concede]
    lines += ["", "---", "", "*Prepared by proportion. Every finding names its rule (`proportion rule CODE`).*", ""]
    return "\n".join(lines)


_STYLE = """
body { font: 16px/1.55 Georgia, 'Times New Roman', serif; color: #1d2430; max-width: 52rem; margin: 2.5rem auto;
       padding: 0 1.25rem; background: #fdfcf9; }
h1 { font-size: 1.7rem; border-bottom: 3px solid #28456b; padding-bottom: .4rem; }
h2 { font-size: 1.25rem; color: #28456b; margin-top: 2.2rem; border-bottom: 1px solid #d6dce5; }
table { border-collapse: collapse; width: 100%; font: 14px/1.4 system-ui, sans-serif; margin: 1rem 0; }
th, td { border-bottom: 1px solid #d6dce5; padding: .35rem .5rem; text-align: left; }
th { background: #eef2f7; }
blockquote { margin: .5rem 0 1rem; padding: .5rem 1rem; background: #f1f6ee; border-left: 4px solid #5a8a4a; }
code { font-size: .9em; background: #eef2f7; padding: 0 .2rem; }
@media print { body { background: white; margin: 0; } }
"""


def render_html(review: Review, playbook: Playbook) -> str:
    """A standalone page: inline CSS, no scripts, no links to fetch."""
    # html=False: the agreement's own words are quoted in the memo and must never become markup.
    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(render_markdown(review, playbook))
    title = html.escape(f"Negotiation memo: {review.document.title or review.document.path}")
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_STYLE}</style></head>'
        f"<body>\n{body}</body></html>\n"
    )
