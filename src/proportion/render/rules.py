"""The rule pages (`proportion rules`, `proportion rule CODE`), rendered from the rule records, never written twice."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from proportion.knowledge import taxonomy
from proportion.knowledge.rules import Cases, Rule, rulebook


def render_rule_list() -> Table:
    table = Table(title="Finding rules", box=box.SIMPLE_HEAD, title_justify="left")
    for column in ("code", "family", "severity", "protects", "title"):
        table.add_column(column)
    for rule in rulebook().rules.values():
        table.add_row(rule.code, rule.family, rule.severity, rule.side, rule.title)
    return table


def render_rule(rule: Rule, cases: Cases) -> RenderableType:
    natures = ", ".join(f"{category} ({taxonomy().category(category).nature})" for category in rule.categories)
    context = rule.context
    when = [
        f"acting for the {' or '.join(context.acting_for)}" if context.acting_for else "",
        f"{' or '.join(context.data_any)} information enters the model" if context.data_any else "",
        f"deployment {' or '.join(context.deployment_any)}" if context.deployment_any else "",
    ]
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    facts.add_row("Family", rule.family)
    facts.add_row("Severity", rule.severity)
    facts.add_row("Protects", rule.side)
    facts.add_row("Categories", natures)
    facts.add_row("Material when", "; ".join(part for part in when if part) or "always")
    fix = rule.fix
    facts.add_row("Fix", f"{fix.edit} ({fix.grade}){' toward ' + fix.position if fix.position else ''}")
    parts: list[RenderableType] = [Text(f"{rule.code}  {rule.title}", style="bold"), facts]
    for heading, body in (
        ("What it detects", rule.detects),
        ("Why it matters", rule.why),
        ("Flagged example", rule.example),
        ("Proportionate alternative", rule.alternative),
        ("Known limits", rule.limits),
    ):
        parts += [Text(f"\n{heading}", style="bold underline"), Text(body)]
    record = (
        f"{len(cases.flagged)} flagged and {len(cases.ok)} ok cases; {len(cases.known_misses)} known misses and "
        f"{len(cases.known_false_alarms)} known false alarms on record"
    )
    parts.append(Text(f"\n{record}", style="dim"))
    return Group(*parts)
