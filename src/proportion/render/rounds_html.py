"""The negotiation as a standalone page: the versions, charts of escalation across rounds, each round's moves,
over-reach and redline, then what is still in dispute.

Like the memo it is one file with inline CSS: no scripts, nothing fetched, so it opens offline, can be mailed
to a client and prints cleanly. Charts are inline SVG drawn here (a few bars and lines need no library).
Every string that comes from the agreements (headings, words, labels, categories) is escaped.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from proportion.rounds import ClauseChange, ClauseText, Dispute, Negotiation, OverReach, Round, word_diff

CUSTOMER = "#2a6b8e"
VENDOR = "#b0602a"
ADDED = "#3c7d3a"
REMOVED = "#b03a3a"
INK = "#1d2430"
MUTED = "#6b7686"
GRID = "#e3e7ee"

_KEPT_CONTEXT = 14
"""Words of unchanged text kept on each side of a change; longer kept runs are elided in the middle."""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


# --- charts ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Series:
    """One named run of (label, value) points, drawn in one colour."""

    name: str
    points: Sequence[tuple[str, float]]
    colour: str
    colours: Sequence[str] = ()
    """Optional colour per point (bars coloured by the party of each round, say); ``colour`` otherwise."""


def _ticks(low: float, high: float, integer: bool) -> list[float]:
    """About four round-numbered ticks covering [low, high] (1, 2, 5 × 10ⁿ steps; whole steps for counts)."""
    if high - low <= 0:
        high = low + 1
    raw = (high - low) / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(factor * magnitude for factor in (1, 2, 5, 10) if factor * magnitude >= raw)
    if integer:
        step = max(1.0, round(step))
    start, end = math.floor(low / step + 1e-9) * step, math.ceil(high / step - 1e-9) * step
    return [float(start + index * step) for index in range(round((end - start) / step) + 1)]


def _number(value: float, decimals: int) -> str:
    if decimals == 0 or float(value).is_integer():
        return f"{value:,.0f}".replace("-", "−")
    return f"{value:,.{decimals}f}".replace("-", "−")


def svg_chart(
    ident: str,
    title: str,
    series: Sequence[Series],
    *,
    kind: Literal["bar", "line"] = "bar",
    width: int = 340,
    height: int = 200,
    decimals: int = 0,
    y_range: tuple[float, float] | None = None,
    above: str = "",
    below: str = "",
) -> str:
    """An accessible inline SVG bar or line chart of one or more series sharing the same labels.

    Bars are ``class="bar"`` and line points ``class="point"``, each with a ``<title>`` (a tooltip and what a
    screen reader says); the chart's own ``<title>``/``<desc>`` name it and list its data. ``y_range`` fixes
    the scale (small multiples compare only on a shared scale); ``above``/``below`` caption and tint the
    halves above and below zero (what a positive or negative value means).
    """
    labels = [label for label, _ in series[0].points] if series else []
    values = [value for line in series for _, value in line.points]
    bounds = [0.0, *values, *(y_range or ())]
    ticks = _ticks(min(bounds), max(bounds), integer=decimals == 0 and all(float(v).is_integer() for v in values))
    low, high = ticks[0], ticks[-1]
    tick_decimals = 0 if all(tick.is_integer() for tick in ticks) else max(decimals, 1)
    left = 12 + 6.5 * max(len(_number(tick, tick_decimals)) for tick in ticks)
    right = 10.0
    top = 34.0 if len(series) > 1 else 20.0
    rows = max((label.count("\n") + 1 for label in labels), default=1)
    bottom = 10.0 + 13 * rows
    plot_w, plot_h = width - left - right, height - top - bottom

    def y(value: float) -> float:
        return top + plot_h * (high - value) / (high - low)

    data = "; ".join(
        f"{line.name + ' ' if len(series) > 1 else ''}{label.replace(chr(10), ' ')}: {_number(value, decimals)}"
        for line in series
        for label, value in line.points
    )
    parts = [
        f'<svg id="{_e(ident)}" class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{_e(ident)}-title {_e(ident)}-desc" font-family="system-ui, sans-serif" '
        f'font-size="11">',
        f'<title id="{_e(ident)}-title">{_e(title)}</title>',
        f'<desc id="{_e(ident)}-desc">{_e(data or "no data")}</desc>',
    ]
    zero = y(0.0)
    if above and high > 0:
        parts.append(f'<rect x="{left:.1f}" y="{top:.1f}" width="{plot_w:.1f}" height="{zero - top:.1f}" '
                     f'fill="{VENDOR}" fill-opacity="0.06"/>')
        parts.append(f'<text x="{width - right - 3:.1f}" y="{top + 11:.1f}" text-anchor="end" font-size="9.5" '
                     f'fill="{VENDOR}">{_e(above)}</text>')
    if below and low < 0:
        parts.append(f'<rect x="{left:.1f}" y="{zero:.1f}" width="{plot_w:.1f}" height="{top + plot_h - zero:.1f}" '
                     f'fill="{CUSTOMER}" fill-opacity="0.06"/>')
        parts.append(f'<text x="{width - right - 3:.1f}" y="{top + plot_h - 4:.1f}" text-anchor="end" '
                     f'font-size="9.5" fill="{CUSTOMER}">{_e(below)}</text>')
    for tick in ticks:
        parts.append(f'<line x1="{left:.1f}" x2="{width - right:.1f}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                     f'stroke="{GRID}"/>')
        parts.append(f'<text x="{left - 5:.1f}" y="{y(tick) + 3.5:.1f}" text-anchor="end" fill="{MUTED}">'
                     f"{_number(tick, tick_decimals)}</text>")
    parts.append(f'<line x1="{left:.1f}" x2="{width - right:.1f}" y1="{zero:.1f}" y2="{zero:.1f}" stroke="{MUTED}"/>')
    if len(series) > 1:
        x = left
        for line in series:
            parts.append(f'<rect x="{x:.1f}" y="6" width="10" height="10" rx="2" fill="{_e(line.colour)}"/>')
            parts.append(f'<text x="{x + 14:.1f}" y="15" fill="{INK}">{_e(line.name)}</text>')
            x += 24 + 6.2 * len(line.name)
    band = plot_w / max(len(labels), 1)
    for index, label in enumerate(labels):
        centre = left + band * (index + 0.5)
        spans = "".join(
            f'<tspan x="{centre:.1f}" dy="{0 if row == 0 else 13}">{_e(text)}</tspan>'
            for row, text in enumerate(label.split("\n"))
        )
        parts.append(f'<text y="{top + plot_h + 15:.1f}" text-anchor="middle" fill="{INK}">{spans}</text>')
    if kind == "bar":
        group = band * (0.62 if len(series) > 1 else 0.5)
        width_each = group / max(len(series), 1)
        for number, line in enumerate(series):
            for index, (label, value) in enumerate(line.points):
                x = left + band * index + (band - group) / 2 + width_each * number
                fill = line.colours[index] if index < len(line.colours) else line.colour
                top_edge, bottom_edge = sorted((y(value), zero))
                tip = f"{line.name + ' — ' if len(series) > 1 else ''}{label.replace(chr(10), ' ')}: "
                parts.append(
                    f'<rect class="bar" x="{x + 1:.1f}" y="{top_edge:.1f}" width="{width_each - 2:.1f}" '
                    f'height="{bottom_edge - top_edge:.1f}" rx="1.5" fill="{_e(fill)}">'
                    f"<title>{_e(tip + _number(value, decimals))}</title></rect>"
                )
                label_y = top_edge - 4 if value >= 0 else bottom_edge + 11
                parts.append(f'<text x="{x + width_each / 2:.1f}" y="{label_y:.1f}" text-anchor="middle" '
                             f'font-size="10.5" fill="{INK}">{_number(value, decimals)}</text>')
    else:
        for line in series:
            coords = [(left + band * (index + 0.5), y(value)) for index, (_, value) in enumerate(line.points)]
            joined = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in coords)
            parts.append(f'<polyline points="{joined}" fill="none" stroke="{_e(line.colour)}" stroke-width="2"/>')
            for (x, yy), (label, value) in zip(coords, line.points, strict=True):
                colour = VENDOR if above and value > 0 else CUSTOMER if below and value < 0 else line.colour
                tip = f"{line.name + ' — ' if len(series) > 1 else ''}{label.replace(chr(10), ' ')}: "
                parts.append(
                    f'<circle class="point" cx="{x:.1f}" cy="{yy:.1f}" r="3.5" fill="{_e(colour)}" stroke="white">'
                    f"<title>{_e(tip + _number(value, decimals))}</title></circle>"
                )
                parts.append(f'<text x="{x:.1f}" y="{yy - 7:.1f}" text-anchor="middle" font-size="10.5" '
                             f'fill="{INK}">{_number(value, decimals)}</text>')
    parts.append("</svg>")
    return "".join(parts)


# --- the data behind the charts ----------------------------------------------------------------------------


def category_leans(negotiation: Negotiation) -> dict[str, list[int]]:
    """Each category's lean in every version (0 where the version has no finding in it)."""
    categories = sorted({category for version in negotiation.versions for category in version.lean})
    return {
        category: [version.lean.get(category, 0) for version in negotiation.versions] for category in categories
    }


def _round_label(item: Round) -> str:
    return f"Round {item.number}\n{item.party}"


def _charts(negotiation: Negotiation) -> str:
    rounds = negotiation.rounds
    if not rounds:
        return "<p class=\"note\">Only one version: there is no round to chart.</p>"

    def points(values: Iterable[float]) -> list[tuple[str, float]]:
        return list(zip((_round_label(item) for item in rounds), values, strict=True))

    escalations = [item.escalation for item in rounds]
    parties = [CUSTOMER if item.party == "customer" else VENDOR for item in rounds]
    figures = [
        (
            "Clause changes",
            "Substantive changes and moves; renumbering alone does not count. Bars in the colour of the party "
            "who made the round.",
            svg_chart("chart-changes", "Clause changes per round",
                      [Series("changes", points(e.changes for e in escalations), INK, parties)]),
        ),
        (
            "Words added and removed",
            "A round that changes fewer words than the last is converging.",
            svg_chart("chart-words", "Words added and removed per round", [
                Series("added", points(e.words_added for e in escalations), ADDED),
                Series("removed", points(e.words_removed for e in escalations), REMOVED),
            ]),
        ),
        (
            "New defined terms",
            "; ".join(f"R{item.number}: {', '.join(item.escalation.new_defined_terms)}" for item in rounds
                      if item.escalation.new_defined_terms) or "No round defined a new term.",
            svg_chart("chart-terms", "New defined terms per round",
                      [Series("new defined terms", points(len(e.new_defined_terms) for e in escalations), INK,
                              parties)]),
        ),
        (
            "Imprecision index",
            "Stacked qualifiers and undefined key terms per 1,000 words of the round's version.",
            svg_chart("chart-imprecision", "Imprecision index per round (per 1,000 words)",
                      [Series("imprecision", points(e.imprecision_index for e in escalations), REMOVED)],
                      kind="line", decimals=2),
        ),
        (
            "Categories touched and contested",
            "Contested: changed by this round and by the other party's round before.",
            svg_chart("chart-categories", "Categories touched and contested per round", [
                Series("touched", points(e.categories_touched for e in escalations), "#5b7aa3"),
                Series("contested", points(e.categories_contested for e in escalations), VENDOR),
            ]),
        ),
        (
            "Over-reach",
            "Findings a round introduced that protect the other side: asking for more than is proportionate.",
            svg_chart("chart-over-reach", "Over-reach findings per round",
                      [Series("over-reach", points(len(item.over_reach) for item in rounds), INK, parties)]),
        ),
    ]
    cards = "".join(
        f'<figure class="card">{svg}<figcaption><strong>{_e(name)}</strong><br>{_e(caption)}</figcaption></figure>'
        for name, caption, svg in figures
    )
    return f'<div class="charts">{cards}</div>'


def _lean_multiples(negotiation: Negotiation) -> str:
    leans = category_leans(negotiation)
    if not leans:
        return ""
    reach = max(1, *(abs(lean) for row in leans.values() for lean in row))
    disputed = {dispute.category for dispute in negotiation.in_dispute}
    labels = [f"v{version.number}" for version in negotiation.versions]
    cards = []
    used: set[str] = set()
    for category, row in leans.items():
        ident = "chart-lean-" + re.sub(r"[^a-z0-9]+", "-", category.lower()).strip("-")
        while ident in used:  # ids must be unique: "a.b" and "a-b" share a slug
            ident += "-"
        used.add(ident)
        svg = svg_chart(ident, f"Lean of {category} by version (positive leans to the vendor)",
                        [Series(category, list(zip(labels, row, strict=True)), MUTED)], kind="line", width=220,
                        height=140, y_range=(-reach, reach), above="vendor", below="customer")
        tag = ' <span class="tag dispute">in dispute</span>' if category in disputed else ""
        cards.append(f'<figure class="card small">{svg}<figcaption><strong>{_e(category)}</strong>{tag}'
                     f"</figcaption></figure>")
    return (
        "<h3>Lean by category, version by version</h3>"
        '<p class="note">Findings protecting the customer minus findings protecting the vendor, in each version. '
        "Above zero the text leans to the vendor; below, to the customer; zero is balanced by this measure.</p>"
        f'<div class="multiples">{"".join(cards)}</div>'
    )


# --- the page ----------------------------------------------------------------------------------------------


def _party(party: str) -> str:
    return f'<span class="party {_e(party)}">{_e(party)}</span>'


def _clause(number: str) -> str:
    """A clause by its number ("" for an unnumbered clause)."""
    if not number:
        return '<span class="unnumbered">unnumbered</span>'
    return f"§{_e(number)}" if number[:1].isdigit() else _e(number)


def _numbers(numbers: list[str]) -> str:
    return " + ".join(_clause(number) for number in numbers) or "—"


def _versions(negotiation: Negotiation) -> str:
    rows = "".join(
        f"<tr><td>{version.number}</td><td>{_e(version.label)}</td><td>{_party(version.party)}</td>"
        f'<td class="num">{version.words:,}</td><td class="num">{version.clauses}</td></tr>'
        for version in negotiation.versions
    )
    return (
        '<table class="versions"><thead><tr><th>Version</th><th>Label</th><th>Written by</th>'
        f'<th class="num">Words</th><th class="num">Clauses</th></tr></thead><tbody>{rows}</tbody></table>'
    )


def _lede(negotiation: Negotiation) -> str:
    versions, rounds = negotiation.versions, negotiation.rounds
    parts = [f"{len(versions)} version{'s' if len(versions) != 1 else ''}, {len(rounds)} "
             f"round{'s' if len(rounds) != 1 else ''} of changes."]
    if rounds:
        last = rounds[-1]
        trend = "" if last.converging is None else " — converging" if last.converging else " — not converging"
        parts.append(f"The last round ({_e(last.label)}) was the {_e(last.party)}'s: {last.escalation.changes} "
                     f"change{'s' if last.escalation.changes != 1 else ''}{trend}.")
    parts.append(f"<strong>{len(negotiation.in_dispute)}</strong> "
                 f"categor{'ies' if len(negotiation.in_dispute) != 1 else 'y'} in dispute, "
                 f"<strong>{len(negotiation.settled)}</strong> settled.")
    return " ".join(parts)


def _figures(item: Round) -> str:
    """The round's escalation in figures, then the words behind the imprecision index."""
    escalation = item.escalation
    converging = "—" if item.converging is None else "yes" if item.converging else "no"
    cells = [
        ("changes", str(escalation.changes)),
        ("words", f'<span class="plus">+{escalation.words_added}</span> '
                  f'<span class="minus">−{escalation.words_removed}</span>'),
        ("imprecision", f"{escalation.imprecision_index:.2f} <small>per 1,000 words</small>"),
        ("categories", f"{escalation.categories_touched} touched, {escalation.categories_contested} contested"),
        ("converging", converging),
    ]
    figures = "".join(f"<div><dt>{name}</dt><dd>{value}</dd></div>" for name, value in cells)
    stacked = Counter(escalation.stacked_qualifiers)
    signals = [
        ("New defined terms", ", ".join(f"“{_e(term)}”" for term in escalation.new_defined_terms)),
        ("Stacked qualifiers added", ", ".join(
            f"“{_e(words)}”" + (f" ×{count}" if count > 1 else "") for words, count in stacked.items())),
        ("New undefined key terms", ", ".join(f"“{_e(term)}”" for term in escalation.undefined_terms)),
    ]
    listed = "".join(f"<li><strong>{name}:</strong> {value or 'none'}</li>" for name, value in signals)
    return f'<dl class="figures">{figures}</dl><ul class="signals">{listed}</ul>'


def _who_moved(item: Round) -> str:
    toward = {party: sum(move.toward == party for move in item.categories) for party in ("customer", "vendor")}
    spread = [f"{count} categor{'ies' if count != 1 else 'y'} toward the {party}"
              for party, count in toward.items() if count]
    moved = " and ".join(spread) or "no category"
    return f'<p class="moved">The {_party(item.party)} moved {moved}.</p>'


def _categories(item: Round) -> str:
    if not item.categories:
        return '<p class="note">No category moved.</p>'
    reach = max(move.distance for move in item.categories) or 1
    rows = []
    for move in item.categories:
        share = 100 * move.distance / reach
        fill = f'<span class="fill {_e(move.toward)}" style="width:{share:.0f}%"></span>'
        tug = (f'<span class="tug" title="toward the {_e(move.toward)}, distance {move.distance}">'
               f'<span class="half left">{fill if move.toward == "customer" else ""}</span>'
               f'<span class="half right">{fill if move.toward == "vendor" else ""}</span></span>')
        arrow = "◀ customer" if move.toward == "customer" else "vendor ▶"
        rows.append(
            f"<tr><td>{_e(move.category)}</td><td class=\"dir {_e(move.toward)}\">{arrow}</td><td>{tug}</td>"
            f'<td class="num">{move.distance}</td><td class="num">{_signed(move.lean_before)} → '
            f'{_signed(move.lean_after)}</td><td class="num">{move.clauses}</td></tr>'
        )
    return (
        '<table class="moves"><thead><tr><th>Category</th><th>Toward</th><th class="tugcol">customer · vendor</th>'
        '<th class="num">Distance</th><th class="num" title="positive leans to the vendor">Lean</th>'
        f'<th class="num">Clauses</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _signed(value: int) -> str:
    return f"+{value}" if value > 0 else f"−{-value}" if value < 0 else "0"


def _over_reach(items: list[OverReach], empty: str) -> str:
    if not items:
        return f'<p class="note">{empty}</p>'
    rows = "".join(
        f"<tr><td><code>{_e(item.rule)}</code></td><td>{_e(item.title)}</td><td>{_clause(item.clause)}</td>"
        f'<td class="evidence">“{_e(item.evidence)}”</td></tr>'
        for item in items
    )
    return ('<table class="overreach"><thead><tr><th>Rule</th><th>What</th><th>Clause</th><th>Evidence</th></tr>'
            f"</thead><tbody>{rows}</tbody></table>")


def _diff(change: ClauseChange) -> str:
    """The redline: removed words struck through, added words underlined; long kept stretches are elided to the
    words next to a change, so the eye goes to what moved."""
    pieces = []
    last = len(change.diff) - 1
    for index, (op, words) in enumerate(change.diff):
        if op == "-":
            pieces.append(f"<del>{_e(words)}</del>")
            continue
        if op == "+":
            pieces.append(f"<ins>{_e(words)}</ins>")
            continue
        tokens = words.split()
        head = _KEPT_CONTEXT if index > 0 else 0
        tail = _KEPT_CONTEXT if index < last else 0
        if (head or tail) and len(tokens) > head + tail + 6:
            hidden = len(tokens) - head - tail
            gap = f'<span class="gap" title="{hidden} words unchanged">[… {hidden} words …]</span>'
            kept = (" ".join(tokens[:head]), gap, " ".join(tokens[len(tokens) - tail :]))
            pieces.append(" ".join(part if part is gap else _e(part) for part in kept if part))
        else:
            pieces.append(_e(words))
    return '<p class="diff">' + " ".join(pieces) + "</p>"


def _change(change: ClauseChange) -> str:
    if change.before and change.after and change.before != change.after:
        where = f"{_numbers(change.before)} → {_numbers(change.after)}"
    else:
        where = _numbers(change.after or change.before)
    toward = ""
    if change.toward:
        basis = "by the findings" if change.basis == "findings" else "credited to the mover"
        toward = f'<span class="toward {_e(change.toward)}">toward {_e(change.toward)}</span> ' \
                 f'<span class="basis">{basis}</span>'
    counts = ""
    if change.words_added or change.words_removed:
        counts = (f'<span class="counts"><span class="plus">+{change.words_added}</span> '
                  f'<span class="minus">−{change.words_removed}</span></span>')
    categories = "".join(f'<span class="cat">{_e(category)}</span>' for category in change.categories)
    heading = f"<strong>{_e(change.heading)}</strong>" if change.heading else ""
    body = _diff(change) if change.diff else '<p class="note">Same words.</p>'
    return (
        f'<article class="change {_e(change.status)}"><header><span class="status {_e(change.status)}">'
        f'{_e(change.status)}</span> <span class="where">{where}</span> {heading} {toward} {counts}</header>'
        f'{f"<p class=cats>{categories}</p>" if categories else ""}{body}</article>'
    )


def _unchanged(run: list[ClauseChange]) -> str:
    listed = "".join(
        f"<li>{_numbers(change.after)}{' ' + _e(change.heading) if change.heading else ''}</li>" for change in run
    )
    noun = "clause" if len(run) == 1 else "clauses"
    return f'<details class="same"><summary>{len(run)} {noun} unchanged</summary><ul>{listed}</ul></details>'


def _changes(item: Round) -> str:
    out: list[str] = []
    run: list[ClauseChange] = []
    for change in item.changes:
        if change.status == "unchanged":
            run.append(change)
            continue
        if run:
            out.append(_unchanged(run))
            run = []
        out.append(_change(change))
    if run:
        out.append(_unchanged(run))
    return "".join(out)


def _round(item: Round, previous: str) -> str:
    return (
        f'<section class="round" id="round-{item.number}">'
        f"<h2>Round {item.number} <small>{_e(previous)} → {_e(item.label)}</small> {_party(item.party)}</h2>"
        f"{_who_moved(item)}{_figures(item)}"
        f"<h3>Categories</h3>{_categories(item)}"
        f"<h3>Over-reach</h3>{_over_reach(item.over_reach, 'No over-reach: nothing new protects the other side.')}"
        f"<h3>Clause changes</h3>{_changes(item)}</section>"
    )


def _position(mine: list[ClauseText], theirs: list[ClauseText]) -> str:
    """One party's text of the clauses where the sides differ, with the words the other side's text lacks marked."""
    if not mine:
        return '<p class="note">No clause in this category.</p>'
    others = {clause.clause: clause.text for clause in theirs}
    items = []
    for clause in mine:
        other = others.get(clause.clause)
        if other is None:
            shown = f"<mark>{_e(clause.text)}</mark>"
        else:
            shown = " ".join(
                _e(words) if op == "=" else f"<mark>{_e(words)}</mark>"
                for op, words in word_diff(other, clause.text)
                if op in ("=", "+")
            )
        items.append(f"<li>{_clause(clause.clause)} {shown}</li>")
    return f"<ul>{''.join(items)}</ul>"


def _last_changes(dispute: Dispute, last: Round | None) -> str:
    """What the last round changed in the category: where the two sides' words actually part."""
    changes = [
        change for change in (last.changes if last else [])
        if dispute.category in change.categories and change.status != "unchanged" and change.diff
    ]
    if not changes:
        return ""
    rows = "".join(
        f'<li><span class="where">{_numbers(change.after or change.before)}</span> '
        f"{_e(change.heading)}{_diff(change)}</li>"
        for change in changes
    )
    party = _e(last.party) if last else ""
    return f'<h4>Where they part: the {party}\'s last changes</h4><ul class="parting">{rows}</ul>'


def _dispute(dispute: Dispute, rounds: list[Round]) -> str:
    customer, vendor = dispute.customer_position, dispute.vendor_position
    return (
        f'<article class="dispute"><h3>{_e(dispute.category)} <small>moved in {dispute.moves} of {len(rounds)} '
        f'round{"s" if len(rounds) != 1 else ""}</small></h3><div class="sides">'
        f'<div class="side customer"><h4>Customer\'s position</h4>{_position(customer, vendor)}</div>'
        f'<div class="side vendor"><h4>Vendor\'s position</h4>{_position(vendor, customer)}</div></div>'
        f"{_last_changes(dispute, rounds[-1] if rounds else None)}"
        f'<div class="middle"><h4>The proportionate middle</h4><p>{_e(dispute.proportionate_middle)}</p></div>'
        f"<h4>Last over-reach</h4>{_over_reach(dispute.last_over_reach, 'None in the last two rounds.')}</article>"
    )


def _disputes(negotiation: Negotiation) -> str:
    if negotiation.in_dispute:
        body = "".join(_dispute(dispute, negotiation.rounds) for dispute in negotiation.in_dispute)
    else:
        body = '<p class="note">Nothing in dispute: no category moved back in the last round.</p>'
    settled = "".join(f'<span class="cat settled">{_e(category)}</span>' for category in negotiation.settled)
    return (
        '<section id="dispute"><h2>In dispute</h2><p class="note">Categories the last round moved back against the '
        "round before. In each position, the words the other side's text lacks are marked.</p>"
        f"{body}<h3>Settled</h3>"
        '<p class="note">Moved during the negotiation and not in the last round.</p>'
        f'<p class="settled">{settled or "None yet."}</p></section>'
    )


_STYLE = f"""
body {{ font: 16px/1.55 Georgia, 'Times New Roman', serif; color: {INK}; max-width: 64rem; margin: 2.5rem auto;
       padding: 0 1.25rem; background: #fdfcf9; }}
h1 {{ font-size: 1.8rem; margin: 0 0 .3rem; }}
header.page {{ border-bottom: 3px solid #28456b; padding-bottom: 1rem; }}
.kicker {{ font: 600 12px/1 system-ui, sans-serif; letter-spacing: .08em; text-transform: uppercase;
          color: {MUTED}; margin: 0 0 .6rem; }}
h2 {{ font-size: 1.35rem; color: #28456b; margin-top: 2.6rem; border-bottom: 1px solid #d6dce5;
     padding-bottom: .2rem; }}
h2 small, h3 small {{ font-weight: normal; color: {MUTED}; font-size: .8em; }}
h3 {{ font-size: 1.05rem; margin: 1.6rem 0 .5rem; }}
h4 {{ font: 600 13px/1.3 system-ui, sans-serif; text-transform: uppercase; letter-spacing: .04em; color: {MUTED};
     margin: .8rem 0 .3rem; }}
nav {{ font: 14px/1.4 system-ui, sans-serif; margin: 1rem 0; }}
nav a {{ color: #28456b; margin-right: 1rem; }}
table {{ border-collapse: collapse; width: 100%; font: 14px/1.4 system-ui, sans-serif; margin: .6rem 0 1rem; }}
th, td {{ border-bottom: 1px solid #d6dce5; padding: .35rem .5rem; text-align: left; vertical-align: top; }}
th {{ background: #eef2f7; font-weight: 600; }}
.num {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
table.versions {{ width: auto; min-width: 32rem; }}
.party {{ font: 600 12px/1 system-ui, sans-serif; padding: .2rem .45rem; border-radius: 3px; color: white;
         text-transform: capitalize; vertical-align: middle; }}
.party.customer {{ background: {CUSTOMER}; }} .party.vendor {{ background: {VENDOR}; }}
.note {{ font: 14px/1.45 system-ui, sans-serif; color: {MUTED}; }}
.charts {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(19rem, 1fr)); gap: 1rem; }}
.multiples {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(12.5rem, 1fr)); gap: .7rem; }}
figure.card {{ margin: 0; background: white; border: 1px solid #e0e4ea; border-radius: 6px; padding: .6rem .7rem; }}
figure.card svg {{ width: 100%; height: auto; display: block; }}
figcaption {{ font: 13px/1.4 system-ui, sans-serif; color: {MUTED}; margin-top: .3rem; }}
figcaption strong {{ color: {INK}; }}
.tag {{ white-space: nowrap; font: 600 11px/1 system-ui, sans-serif; padding: .15rem .35rem; border-radius: 3px;
        margin-left: .3rem; }}
.tag.dispute {{ background: #fbe7d6; color: #8a4312; }}
.moved {{ font-size: 1.05rem; }}
dl.figures {{ display: flex; flex-wrap: wrap; gap: .4rem 1.6rem; font: 14px/1.35 system-ui, sans-serif;
             background: #f3f5f8; border-radius: 6px; padding: .6rem .9rem; margin: .6rem 0 0; }}
dl.figures dt {{ color: {MUTED}; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }}
dl.figures dd {{ margin: 0; font-weight: 600; }}
ul.signals {{ font: 14px/1.5 system-ui, sans-serif; margin: .5rem 0 0; padding-left: 1.1rem; }}
ul.signals strong {{ font-weight: 600; color: {MUTED}; }}
.plus {{ color: {ADDED}; }} .minus {{ color: {REMOVED}; }}
td.dir {{ white-space: nowrap; }}
td.dir.customer {{ color: {CUSTOMER}; font-weight: 600; }} td.dir.vendor {{ color: {VENDOR}; font-weight: 600; }}
th.tugcol {{ text-align: center; color: {MUTED}; font-weight: normal; width: 11rem; }}
.tug {{ display: flex; width: 11rem; height: .8rem; margin-top: .2rem; }}
.tug .half {{ flex: 1; display: flex; background: #eef1f5; }}
.tug .left {{ justify-content: flex-end; border-right: 2px solid {MUTED}; }}
.tug .fill {{ display: block; height: 100%; }}
.fill.customer {{ background: {CUSTOMER}; }} .fill.vendor {{ background: {VENDOR}; }}
td.evidence {{ font-family: Georgia, serif; font-style: italic; }}
code {{ font-size: .9em; background: #eef2f7; padding: 0 .2rem; }}
article.change {{ border-left: 4px solid #d6dce5; background: white; margin: .7rem 0; padding: .5rem .9rem;
                 border-radius: 0 6px 6px 0; }}
article.change header {{ font: 14px/1.6 system-ui, sans-serif; }}
article.change.edited {{ border-color: #d9a23b; }} article.change.added {{ border-color: {ADDED}; }}
article.change.deleted {{ border-color: {REMOVED}; }} article.change.moved {{ border-color: #7b5ea7; }}
article.change.split, article.change.merged {{ border-color: #2f8f89; }}
article.change.renumbered {{ border-color: #9aa7b8; }}
.status {{ font: 600 11px/1 system-ui, sans-serif; text-transform: uppercase; letter-spacing: .05em;
          padding: .22rem .4rem; border-radius: 3px; background: #e6e9ee; color: #3b4555; }}
.status.edited {{ background: #fbefd5; color: #7a5208; }} .status.added {{ background: #e2f1df; color: #2b5e28; }}
.status.deleted {{ background: #f8e0e0; color: #8a2424; }} .status.moved {{ background: #ece6f5; color: #563d80; }}
.status.split, .status.merged {{ background: #dcefee; color: #1f625e; }}
.where {{ font-weight: 600; margin: 0 .3rem; }}
.toward {{ font-weight: 600; margin-left: .4rem; }}
.toward.customer {{ color: {CUSTOMER}; }} .toward.vendor {{ color: {VENDOR}; }}
.basis {{ color: {MUTED}; font-size: 12px; }}
.counts {{ float: right; font-variant-numeric: tabular-nums; }}
.cats {{ margin: .2rem 0; }}
.cat {{ display: inline-block; font: 12px/1 system-ui, sans-serif; background: #eef2f7; color: #28456b;
       border-radius: 10px; padding: .2rem .5rem; margin: 0 .3rem .2rem 0; }}
.cat.settled {{ background: #e2f1df; color: #2b5e28; }}
.diff {{ margin: .4rem 0 .2rem; line-height: 1.7; }}
del {{ background: #fbe3e3; color: #8a1f1f; text-decoration: line-through; text-decoration-color: #b03a3a; }}
ins {{ background: #e1f2de; color: #1f5a1c; text-decoration: underline; text-decoration-color: #3c7d3a; }}
.gap {{ color: {MUTED}; font: 12px system-ui, sans-serif; }}
.unnumbered {{ font-style: italic; font-weight: normal; }}
details.same {{ font: 14px/1.4 system-ui, sans-serif; color: {MUTED}; margin: .5rem 0; padding: .3rem .9rem;
               border-left: 4px dotted #d6dce5; }}
details.same summary {{ cursor: pointer; }}
details.same ul {{ margin: .3rem 0; columns: 2; }}
article.dispute {{ background: white; border: 1px solid #e0e4ea; border-radius: 6px; padding: .4rem 1.1rem .8rem;
                  margin: 1rem 0; }}
article.dispute h3 {{ font-size: 1.2rem; }}
.sides {{ display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }}
.side {{ border-top: 4px solid; padding-top: .2rem; font-size: 15px; }}
.side ul {{ padding-left: 1.1rem; margin: .3rem 0; }} .side li {{ margin-bottom: .35rem; }}
.side.customer {{ border-color: {CUSTOMER}; }} .side.vendor {{ border-color: {VENDOR}; }}
mark {{ background: #fff0b3; color: inherit; }}
ul.parting {{ list-style: none; padding: 0; margin: .3rem 0; font-size: 15px; }}
ul.parting li {{ border-left: 3px solid #d9a23b; padding-left: .7rem; margin-bottom: .5rem; }}
ul.parting .diff {{ margin: .1rem 0; }}
.middle {{ background: #f1f6ee; border-left: 4px solid #5a8a4a; padding: .1rem 1rem .2rem; margin-top: .8rem; }}
.middle p {{ margin: .2rem 0 .6rem; }}
footer {{ margin-top: 3rem; border-top: 1px solid #d6dce5; font: 13px/1.5 system-ui, sans-serif; color: {MUTED}; }}
@media (max-width: 40rem) {{ .sides {{ grid-template-columns: 1fr; }} details.same ul {{ columns: 1; }} }}
* {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
@media print {{
  body {{ background: white; margin: 0; max-width: none; font-size: 12pt; }}
  nav {{ display: none; }}
  .charts {{ grid-template-columns: repeat(3, 1fr); }} .multiples {{ grid-template-columns: repeat(4, 1fr); }}
  figure.card, article.change, article.dispute, tr, details.same {{ break-inside: avoid; }}
  h2, h3 {{ break-after: avoid; }}
  section.round, #dispute {{ break-before: page; }}
}}
@page {{ margin: 1.6cm 1.4cm; }}
"""


def render_rounds_html(negotiation: Negotiation) -> str:
    """The whole negotiation as one standalone page: inline CSS, inline SVG, no scripts, nothing fetched."""
    labels = {version.number: version.label for version in negotiation.versions}
    rounds = "".join(_round(item, labels.get(item.number - 1, f"version {item.number - 1}"))
                     for item in negotiation.rounds)
    links = "".join(f'<a href="#round-{item.number}">Round {item.number}</a>' for item in negotiation.rounds)
    title = "Negotiation, round by round: " + " → ".join(version.label for version in negotiation.versions)
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_STYLE}</style></head><body>\n'
        '<header class="page"><p class="kicker">proportion · negotiation rounds</p>'
        f"<h1>The negotiation, round by round</h1><p>{_lede(negotiation)}</p>{_versions(negotiation)}</header>\n"
        f'<nav><a href="#glance">At a glance</a>{links}<a href="#dispute">In dispute</a></nav>\n'
        f'<section id="glance"><h2>At a glance</h2>{_charts(negotiation)}{_lean_multiples(negotiation)}</section>\n'
        f"{rounds}\n{_disputes(negotiation)}\n"
        "<footer><p>Prepared by proportion. Direction is read from the findings: a change that removes a finding "
        "protecting the customer moves the text toward the customer, and the reverse. A change that moves no "
        "finding is credited to the party who made it. Over-reach: findings a round introduced that protect the "
        "other side, where the round asked for more than is proportionate. Every finding names its rule "
        "(<code>proportion rule CODE</code>).</p></footer>\n</body></html>\n"
    )
