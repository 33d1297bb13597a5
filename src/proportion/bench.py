"""``proportion bench``: segmentation accuracy on the labelled corpus, and speed against the extraction floor.

Speed is reported as a ratio to the raw text extraction of the same library on the same file, measured in the
same run (best of ``repeat``), because this machine is noisy and absolute seconds are not comparable.
"""

from __future__ import annotations

import copy
import io
import os
import statistics
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from lxml import etree
from rich.console import Console
from rich.table import Table

from proportion.errors import InputError
from proportion.evaluation import Score, read_jsonl, rounds_benchmark, segmentation_benchmark
from proportion.ingest import read_bytes
from proportion.ingest.numbering import W
from proportion.models import Clause
from proportion.segment import segment

WORDS_PER_PAGE = 500
EXAMPLE = "ai-features-amendment.docx"


def example_path() -> Path:
    """The bundled example agreement, in the source checkout."""
    candidate = Path(__file__).resolve().parents[2] / "examples" / EXAMPLE
    if not candidate.exists():
        raise InputError("P190", f"the example agreement {EXAMPLE} is not here; run the bench from a source checkout")
    return candidate


def long_docx(pages: int, source: bytes | None = None) -> bytes:
    """An agreement's body (the example's by default) repeated until it reaches ``pages`` pages of ~500 words.

    Each copy's paragraphs end with the copy's number, so no clause repeats: nothing classified or assessed once
    can be reused for a later copy, as in a real agreement of that length."""
    source = source if source is not None else example_path().read_bytes()
    with zipfile.ZipFile(io.BytesIO(source)) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    root = etree.fromstring(parts["word/document.xml"])
    body = root.find(f"{W}body")
    assert body is not None
    content = [child for child in body if child.tag != f"{W}sectPr"]
    section = body.find(f"{W}sectPr")
    words = len(" ".join(str(part) for part in root.itertext()).split())
    copies = max(1, round(pages * WORDS_PER_PAGE / max(words, 1)))
    for number in range(2, copies + 1):
        for child in content:
            element = copy.deepcopy(child)
            texts = list(element.iter(f"{W}t"))
            if texts:
                texts[-1].text = f"{texts[-1].text or ''} [{number}]"
            if section is not None:
                section.addprevious(element)
            else:
                body.append(element)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return out.getvalue()


def long_pdf(docx: bytes) -> bytes:
    """A PDF of the same agreement text, with a running header and page numbers, made with fpdf2."""
    try:
        from fpdf import FPDF
    except ImportError as error:
        raise InputError("P191", "the PDF benchmark needs fpdf2: pip install 'proportion[dev]'") from error
    document = read_bytes(docx, ".docx")

    class Agreement(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", size=8)
            self.cell(0, 8, "CONFIDENTIAL - AI Features Amendment", align="C")
            self.ln(10)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", size=8)
            self.cell(0, 10, f"Page {self.page_no()}", align="C")

    pdf = Agreement()
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for block in document.blocks:
        line = document.text[block.start : block.end].replace("\t", " ")
        pdf.multi_cell(0, 5, line.encode("latin-1", "replace").decode("latin-1"))
        pdf.ln(2)
    return bytes(pdf.output())


def _to_clauses(data: bytes, suffix: str) -> list[Clause]:
    return segment(read_bytes(data, suffix))


def _best(function: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def _docx_floor(data: bytes) -> str:
    """lxml's plain text of document.xml: the least any DOCX reader on lxml must do."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return "".join(str(part) for part in etree.fromstring(package.read("word/document.xml")).itertext())


def _python_docx_text(data: bytes) -> str:
    """python-docx's paragraph text: what most DOCX tools do (it has no numbers and drops insertions)."""
    from docx import Document

    return "\n".join(paragraph.text for paragraph in Document(io.BytesIO(data)).paragraphs)


def speed_rows(pages: int, repeat: int) -> list[tuple[str, str, int, float, float, float]]:
    """(format, baseline, clauses, seconds file->clauses, baseline seconds, ratio) for a long DOCX and PDF.

    Our time is measured once per file and compared with each of that file's baselines.
    """
    from proportion.ingest.pdf import raw_pdf_text

    docx = long_docx(pages)
    files: list[tuple[str, bytes, list[tuple[str, Callable[[bytes], str]]]]] = [
        ("docx", docx, [("lxml text of document.xml", _docx_floor), ("python-docx paragraph text", _python_docx_text)]),
        ("pdf", long_pdf(docx), [("pypdfium2 raw text", raw_pdf_text)]),
    ]
    rows = []
    for name, data, baselines in files:
        suffix = f".{name}"
        clauses = len(_to_clauses(data, suffix))
        ours = _best(partial(_to_clauses, data, suffix), repeat)
        for baseline, extract in baselines:
            base = _best(partial(extract, data), repeat)
            rows.append((name, baseline, clauses, ours, base, ours / base))
    return rows


def _one_core() -> None:
    """Pin the process to one CPU where the OS allows it, so "per core" figures mean what they say."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def classifier_rows(shared: Path, repeat: int) -> list[tuple[str, int, float, float]]:
    """(model, clauses, clauses per second, ratio to bare tokenisation) on the open corpus's labelled clauses."""
    from proportion.classify import MODELS, load
    from proportion.classify.features import words

    records = read_jsonl(shared / "data" / "ai_clauses" / "clauses.jsonl")
    texts = [record["text"] for record in records]
    headings = [record["heading"] for record in records]
    floor = _best(lambda: [words(text) for text in texts], repeat)
    rows = []
    for name in MODELS:
        classifier = load(name)
        seconds = _best(lambda: classifier.classify(texts, headings), repeat)  # noqa: B023 - called at once
        rows.append((name, len(texts), len(texts) / seconds, seconds / floor))
    return rows


def review_rows(pages: int, repeat: int) -> list[tuple[str, float, float]]:
    """(stage, seconds, ratio to file -> clauses) for a whole review of the long DOCX, measured in one run."""
    from proportion.pipeline import review_bytes
    from proportion.render.docx import redline

    docx = long_docx(pages)
    to_clauses = _best(partial(_to_clauses, docx, ".docx"), repeat)
    whole = _best(partial(review_bytes, docx, "bench.docx"), repeat)
    reviewed = review_bytes(docx, "bench.docx")
    redlined = _best(partial(redline, reviewed, docx), repeat)
    return [
        ("file -> clauses", to_clauses, 1.0),
        ("full review (classified, assessed, edits proposed)", whole, whole / to_clauses),
        (f"DOCX redline of its {len(reviewed.edits)} edits (written and read back)", redlined, redlined / to_clauses),
    ]


@dataclass(slots=True)
class RedlineResult:
    """One agreement's proposals: high findings left without an edit, edit sizes, and the accept-all check."""

    document: str
    high: int
    high_without_edit: int
    edits: int
    new_clauses: int
    inserted: list[int]
    deleted: list[int]
    """Characters inserted and deleted, per edit in place (new clauses excluded: they are whole by nature)."""
    faithful: bool
    problem: str = ""


def redline_results(paths: list[Path]) -> list[RedlineResult]:
    """Review each agreement, write its redline and read it back: every edit must be there and nothing else."""
    from proportion.pipeline import review_bytes
    from proportion.propose import accepted
    from proportion.render.docx import RedlineError, paragraph_lines, redline

    results = []
    for path in paths:
        data = path.read_bytes()
        result = review_bytes(data, path.name)
        covered = {index for edit in result.edits for index in edit.findings}
        high = [index for index, finding in enumerate(result.findings) if finding.severity == "high"]
        in_place = [edit for edit in result.edits if edit.kind != "new-clause"]
        try:
            written = read_bytes(redline(result, data), ".docx").text
            expected = accepted(result.document.text, result.edits)
            faithful, problem = paragraph_lines(written) == paragraph_lines(expected), ""
        except (RedlineError, InputError) as error:
            faithful, problem = False, str(error)
        results.append(
            RedlineResult(
                path.stem,
                len(high),
                len(set(high) - covered),
                len(result.edits),
                len(result.edits) - len(in_place),
                [len(edit.text) for edit in in_place],
                [edit.end - edit.start for edit in in_place],
                faithful,
                problem,
            )
        )
    return results


def rounds_rows(pages: int, repeat: int) -> list[tuple[str, float, float]]:
    """(stage, seconds, ratio) for a four-round negotiation (the shipped one, each version grown to ``pages``)."""
    from proportion.knowledge.playbook import default_playbook
    from proportion.rounds import negotiate

    folder = example_path().parent / "negotiation"
    versions = [long_docx(pages, (folder / f"round-{number}.docx").read_bytes()) for number in range(1, 5)]
    to_clauses = _best(lambda: [_to_clauses(version, ".docx") for version in versions], repeat)

    def compare() -> object:
        documents = [(f"v{number}", read_bytes(version, ".docx")) for number, version in enumerate(versions, 1)]
        return negotiate(documents, "vendor", {}, default_playbook())

    whole = _best(compare, repeat)
    return [
        ("4 versions -> clauses", to_clauses, 1.0),
        ("4 versions read, classified, assessed both sides, aligned, compared", whole, whole / to_clauses),
    ]


def run_bench(shared: Path, *, pages: int, repeat: int, console: Console) -> None:
    corpus, labels = shared / "corpus" / "open", shared / "data" / "ai_clauses" / "clauses.jsonl"
    if corpus.is_dir() and labels.exists():
        table = Table(title="Clause boundaries against ai_clauses/clauses.jsonl")
        for column in ("document", "precision", "recall", "F1"):
            table.add_column(column, justify="left" if column == "document" else "right")
        total = Score()
        for result in segmentation_benchmark(corpus, labels):
            total.add(result.score)
            score = result.score
            table.add_row(result.document, f"{score.precision:.3f}", f"{score.recall:.3f}", f"{score.f1:.3f}")
        table.add_row(
            "all documents (micro)",
            f"{total.precision:.3f}",
            f"{total.recall:.3f}",
            f"{total.f1:.3f}",
            style="bold",
        )
        console.print(table)
    else:
        console.print(
            f"[yellow]No labelled corpus at {shared}; skipping the boundary benchmark (use --shared PATH).[/yellow]"
        )
    speed = Table(title=f"Speed: a {pages}-page agreement to clauses (best of {repeat}, one core)")
    for column in ("format", "clauses", "seconds to clauses", "raw extraction baseline", "baseline s", "ratio"):
        speed.add_column(column, justify="left" if column == "raw extraction baseline" else "right")
    _one_core()
    for name, baseline, clauses, seconds, base, ratio in speed_rows(pages, repeat):
        speed.add_row(name, str(clauses), f"{seconds:.3f}", baseline, f"{base:.3f}", f"{ratio:.2f}×")
    console.print(speed)
    console.print(
        _stages(
            f"End-to-end review of the {pages}-page DOCX (best of {repeat}, one core)",
            "ratio to file -> clauses",
            review_rows(pages, repeat),
        )
    )
    accuracy = rounds_benchmark(example_path().parent / "negotiation")
    agreement = Table(title="Rounds against the shipped negotiation's answer key (examples/negotiation)")
    for column in ("measure", "agree", "of the key's", "of ours"):
        agreement.add_column(column, justify="left" if column == "measure" else "right")
    for measure, score in (("clause entries", accuracy.entries), ("category directions", accuracy.directions)):
        agreement.add_row(measure, str(score.true_positives), str(score.gold), str(score.predicted))
    console.print(agreement)
    console.print(
        _stages(
            f"A 4-round negotiation of {pages}-page versions (best of {repeat}, one core)",
            "ratio to reading alone",
            rounds_rows(pages, repeat),
        )
    )
    if labels.exists():
        models = Table(
            title=f"Classifier throughput on the {labels.parent.name} corpus clauses (best of {repeat}, one core)"
        )
        for column in ("model", "clauses", "clauses/s", "ratio to bare tokenisation"):
            models.add_column(column, justify="left" if column == "model" else "right")
        for name, count, rate, ratio in classifier_rows(shared, repeat):
            models.add_row(name, str(count), f"{rate:,.0f}", f"{ratio:.1f}×")
        console.print(models)
    documents = [example_path(), *sorted(corpus.glob("*.txt"))] if corpus.is_dir() else [example_path()]
    redlines = Table(title="Redlines: high findings left unedited, edit sizes (median characters), accept-all check")
    columns = ("document", "high", "unedited", "edits", "new clauses", "inserted", "deleted", "accept-all")
    for column in columns:
        redlines.add_column(column, justify="left" if column == "document" else "right")
    outcomes = redline_results(documents)
    for outcome in outcomes:
        redlines.add_row(
            outcome.document,
            str(outcome.high),
            str(outcome.high_without_edit),
            str(outcome.edits),
            str(outcome.new_clauses),
            _median(outcome.inserted),
            _median(outcome.deleted),
            "exact" if outcome.faithful else f"FAILED {outcome.problem[:60]}",
        )
    redlines.add_row(
        "all",
        str(sum(outcome.high for outcome in outcomes)),
        str(sum(outcome.high_without_edit for outcome in outcomes)),
        str(sum(outcome.edits for outcome in outcomes)),
        str(sum(outcome.new_clauses for outcome in outcomes)),
        _median([size for outcome in outcomes for size in outcome.inserted]),
        _median([size for outcome in outcomes for size in outcome.deleted]),
        f"{sum(outcome.faithful for outcome in outcomes)}/{len(outcomes)} exact",
        style="bold",
    )
    console.print(redlines)


def _stages(title: str, baseline: str, rows: list[tuple[str, float, float]]) -> Table:
    """Seconds per stage and the ratio to the run's own baseline stage."""
    table = Table(title=title)
    for column in ("stage", "seconds", baseline):
        table.add_column(column, justify="left" if column == "stage" else "right")
    for stage, seconds, ratio in rows:
        table.add_row(stage, f"{seconds:.3f}", f"{ratio:.2f}×")
    return table


def _median(values: list[int]) -> str:
    return f"{statistics.median(values):.0f}" if values else "-"
