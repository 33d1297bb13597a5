"""The playbook pages (`proportion playbook [CATEGORY]`): each category's ladder, rendered from the playbook data."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from proportion.context import DealContext
from proportion.knowledge.playbook import CategoryPlaybook, Playbook


def render_ladders(playbook: Playbook, context: DealContext) -> Table:
    """Every category with its ladder, marking our side's target and the proportionate middle for the deal."""
    facts = context.facts()
    table = Table(
        title=f"Playbook ladders (customer end first; acting for the {context.side})",
        box=box.SIMPLE_HEAD,
        title_justify="left",
    )
    for column in ("category", "positions (* target, ~ middle, - not proportionate in this deal)"):
        table.add_column(column)
    for category, book in playbook.categories.items():
        target, middle = book.target(context.side, facts).id, book.middle(facts).id
        marks = [
            ("*" if position.id == target else "~" if position.id == middle else "")
            + ("" if position.proportionate(facts) else "-")
            + position.id
            for position in book.ladder
        ]
        table.add_row(category, " → ".join(marks))
    return table


def render_ladder(book: CategoryPlaybook, playbook: Playbook, context: DealContext) -> RenderableType:
    """One category: each position with its summary, when it is proportionate, its language and its sources."""
    facts = context.facts()
    target = book.target(context.side, facts).id
    parts: list[RenderableType] = [Text(f"{book.category}: from the customer's end to the vendor's", style="bold")]
    titles = {source.id: source.title for source in playbook.sources}
    for rank, position in enumerate(book.ladder, start=1):
        mark = "  ← target for the " + context.side if position.id == target else ""
        when = ", ".join(position.proportionate_when) or "any deal"
        if position.not_when:
            when += f" (not when {', '.join(position.not_when)})"
        parts += [
            Text(f"\n{rank}. {position.id}{mark}", style="bold underline"),
            Text(position.summary),
            Text(f"Proportionate when: {when}", style="dim"),
            Text(position.language),
        ]
        if position.sources:
            parts.append(Text("See: " + "; ".join(titles[source] for source in position.sources), style="dim"))
    parts.append(Text("\nQuestions for the other side", style="bold underline"))
    parts += [Text(f"- {question}") for question in book.questions]
    return Group(*parts)
