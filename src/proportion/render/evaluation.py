"""The ``proportion eval`` report: per-label tables, then the headline figures beside targets and baselines."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from proportion.classify.evaluate import (
    CUAD_BASELINE,
    FLOOR,
    TARGETS,
    UNFAIR_BASELINES,
    CuadReport,
    Evaluation,
    LabelReport,
)


def _label_table(report: LabelReport) -> Table:
    table = Table(title=report.title, caption=report.note, box=box.SIMPLE_HEAD, title_justify="left")
    for name in ("label", "precision", "recall", "F1", "support"):
        table.add_column(name, justify="left" if name == "label" else "right")
    for label, score in report.scores.items():
        table.add_row(label, f"{score.precision:.3f}", f"{score.recall:.3f}", f"{score.f1:.3f}", str(score.gold))
    micro, macro = report.micro, report.macro
    table.add_section()
    table.add_row(
        "micro", f"{micro.precision:.3f}", f"{micro.recall:.3f}", f"{micro.f1:.3f}", str(micro.gold), style="bold"
    )
    table.add_row("macro", f"{macro[0]:.3f}", f"{macro[1]:.3f}", f"{macro[2]:.3f}", "", style="bold")
    return table


def _cuad_table(cuad: CuadReport) -> Table:
    table = Table(
        title="(b) CUAD clause types, dev split (CUAD measure: Jaccard ≥ 0.5)",
        caption=f"{cuad.contracts} dev contracts, {cuad.spans:,} candidate spans scored for each of 41 types",
        box=box.SIMPLE_HEAD,
        title_justify="left",
    )
    for name in ("clause type", "AUPR", "P@80%R", "P@90%R", "contracts"):
        table.add_column(name, justify="left" if name == "clause type" else "right")
    for score in cuad.per_category:
        table.add_row(
            score.category,
            f"{score.aupr:.3f}",
            f"{score.p_at_80:.3f}",
            f"{score.p_at_90:.3f}",
            str(score.support_contracts),
        )
    table.add_section()
    table.add_row(
        "mean of types", *(f"{cuad.macro[key]:.3f}" for key in ("aupr", "p_at_80", "p_at_90")), "", style="bold"
    )
    table.add_row(
        "pooled (paper's way)", *(f"{cuad.pooled[key]:.3f}" for key in ("aupr", "p_at_80", "p_at_90")), "", style="bold"
    )
    table.add_row(
        "DeBERTa-xlarge (paper)",
        *(f"{CUAD_BASELINE[key]:.3f}" for key in ("aupr", "p_at_80", "p_at_90")),
        "",
        style="dim",
    )
    return table


def _findings_table(evaluation: Evaluation) -> Table:
    assert evaluation.findings is not None
    table = Table(
        title="(d) Findings against ai_clauses/findings.jsonl (same clause and family; gaps by category)",
        caption=f"{evaluation.findings.documents} documents, default context (customer, confidential data)",
        box=box.SIMPLE_HEAD,
        title_justify="left",
    )
    for name in ("family", "precision", "recall", "F1", "ours", "gold"):
        table.add_column(name, justify="left" if name == "family" else "right")
    rows = [*evaluation.findings.families.items(), ("all", evaluation.findings.overall)]
    for family, score in rows:
        table.add_row(
            family,
            f"{score.precision:.3f}",
            f"{score.recall:.3f}",
            f"{score.f1:.3f}",
            str(score.predicted),
            str(score.gold),
            style="bold" if family == "all" else "",
        )
    return table


def _verdict(value: float, target: float) -> Text:
    return Text("met" if value >= target else "missed", style="green" if value >= target else "red")


def _headline(evaluation: Evaluation) -> Table:
    table = Table(title="Headline figures", box=box.SIMPLE_HEAD, title_justify="left")
    for name in ("measure", "ours", "reference", "target"):
        table.add_column(name)
    for report in evaluation.ai:
        if report.title.startswith("leave one publisher out"):
            kind = "categories" if report.title.endswith("categories") else "mechanisms"
            value = report.macro[2]
            table.add_row(
                f"AI {kind} macro-F1, leave one publisher out",
                f"{value:.3f}",
                f"floor {FLOOR[kind]:.2f}",
                Text.assemble(f"≥ {TARGETS[kind]:.2f} ", _verdict(value, TARGETS[kind])),
            )
    if evaluation.cuad is not None:
        for key, name in (("aupr", "AUPR"), ("p_at_80", "P@80%R"), ("p_at_90", "P@90%R")):
            value = evaluation.cuad.pooled[key]
            table.add_row(
                f"CUAD {name} (pooled)",
                f"{value:.3f}",
                f"DeBERTa-xlarge {CUAD_BASELINE[key]:.3f}",
                Text.assemble(f"> {CUAD_BASELINE[key]:.3f} ", _verdict(value, CUAD_BASELINE[key] + 1e-9)),
            )
    if evaluation.findings is not None:
        overall = evaluation.findings.overall
        table.add_row(
            "Findings precision / recall",
            f"{overall.precision:.3f} / {overall.recall:.3f}",
            "",
            Text.assemble("≥ 0.80 / ≥ 0.80 ", _verdict(min(overall.precision, overall.recall), 0.8)),
        )
    if evaluation.unfair is not None:
        micro, macro = evaluation.unfair.micro.f1, evaluation.unfair.macro[2]
        references = "; ".join(f"{name} {m:.3f}/{M:.3f}" for name, (m, M) in UNFAIR_BASELINES.items())
        table.add_row(
            "UNFAIR-ToS micro/macro-F1",
            f"{micro:.3f}/{macro:.3f}",
            references,
            Text.assemble(f"macro ≥ {TARGETS['unfair_macro']:.2f} ", _verdict(macro, TARGETS["unfair_macro"])),
        )
    return table


def render_evaluation(evaluation: Evaluation) -> RenderableType:
    parts: list[RenderableType] = [_label_table(report) for report in evaluation.ai]
    if evaluation.cuad is not None:
        parts.append(_cuad_table(evaluation.cuad))
    if evaluation.unfair is not None:
        parts.append(_label_table(evaluation.unfair))
    if evaluation.findings is not None:
        parts.append(_findings_table(evaluation))
    parts.append(_headline(evaluation))
    parts.append(
        Text(
            "Splits differ from the published ones: CUAD figures are on a 79-contract dev split of the 408 shared "
            "training contracts (the official test contracts are not in shared/); UNFAIR-ToS figures are on 6 "
            "companies held back from its training file (LexGLUE's test companies are not in shared/).",
            style="dim",
        )
    )
    return Group(*parts)
