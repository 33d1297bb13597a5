"""The ``proportion`` command.

Exit status (``shared/spec/interfaces.md``): 0 done; 1 reviewed and findings at or above ``--fail-on`` exist;
2 bad input or usage, with one line on stderr and nothing written at ``--output``.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn, TextIO

import typer
from rich.console import Console

from proportion import __version__
from proportion.context import DataClass, Deployment, RegulatoryRole, Safeguard, Side
from proportion.errors import InputError
from proportion.ingest.base import MIB, Limits

app = typer.Typer(
    name="proportion",
    help="Read, classify and negotiate technology and AI agreements with proportion. Runs offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"
    docx = "docx"


def fail(message: str, status: int = 2) -> NoReturn:
    """One line on stderr, then exit: the contract for bad input."""
    sys.stderr.write(f"proportion: error: {message}\n")
    raise typer.Exit(status)


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it, so a failure never leaves half a file."""
    directory = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        fail(f"cannot write {_printable(path)}: it is a directory; give a file path")
    if not directory.is_dir():
        fail(f"cannot write {_printable(path)}: folder {_printable(directory)} does not exist")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    except OSError as error:
        fail(f"cannot write {_printable(path)} ({error.strerror})")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        fail(f"cannot write {_printable(path)} ({error.strerror})")
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _printable(path: Path | str) -> str:
    """A path safe to print on one line (control characters escaped)."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(path))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"proportion {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """proportion: read an agreement into its clauses, classify them and review them for the side you act for."""


def _limits(max_file_mb: float, max_unzipped_mb: float, max_pdf_pages: int) -> Limits:
    return Limits(
        max_file_bytes=int(max_file_mb * MIB),
        max_unzipped_bytes=int(max_unzipped_mb * MIB),
        max_pdf_pages=max_pdf_pages,
    )


class CommentMode(StrEnum):
    external = "external"
    internal = "internal"
    none = "none"


class FailOn(StrEnum):
    never = "never"
    info = "info"
    low = "low"
    medium = "medium"
    high = "high"


SEVERITY_ORDER = [level.value for level in FailOn if level is not FailOn.never]


@app.command()
def review(
    file: Annotated[Path, typer.Argument(help="The agreement: DOCX, PDF, HTML, Markdown or text.", show_default=False)],
    format: Annotated[Format, typer.Option("--format", "-f", help="Report format.")] = Format.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report here instead of the terminal.")
    ] = None,
    context_file: Annotated[
        Path | None, typer.Option("--context", help="Deal context, YAML or JSON ('proportion context init').")
    ] = None,
    playbook_file: Annotated[
        Path | None,
        typer.Option("--playbook", help="Your playbook (YAML or JSON) over the default ('proportion playbook')."),
    ] = None,
    author: Annotated[
        str, typer.Option(help="Author of the tracked changes and comments in a DOCX redline.")
    ] = "proportion",
    comments: Annotated[
        CommentMode,
        typer.Option(
            help="DOCX comments: external (reasons, safe to send), internal (adds grades and fallbacks), none."
        ),
    ] = CommentMode.external,
    side: Annotated[Side | None, typer.Option(help="The party you act for [default: customer].")] = None,
    data: Annotated[DataClass | None, typer.Option(help="Most sensitive information entering the model.")] = None,
    human_review: Annotated[
        bool | None, typer.Option("--human-review/--no-human-review", help="Is output reviewed before use?")
    ] = None,
    use: Annotated[str | None, typer.Option(help="What the AI feature is used for.")] = None,
    critical_output: Annotated[
        bool | None, typer.Option("--critical-output/--no-critical-output", help="Do decisions rest on output?")
    ] = None,
    deployment: Annotated[Deployment | None, typer.Option(help="Who runs the model.")] = None,
    safeguard: Annotated[list[Safeguard] | None, typer.Option(help="A safeguard in place (repeatable).")] = None,
    regulatory_role: Annotated[RegulatoryRole | None, typer.Option(help="The customer's EU AI Act role.")] = None,
    fail_on: Annotated[
        FailOn, typer.Option(help="Exit 1 when a finding of this severity or higher exists (for pipelines).")
    ] = FailOn.never,
    encoding: Annotated[
        str | None, typer.Option(help="Encoding of a text file that is not UTF-8, e.g. cp1252.")
    ] = None,
    max_file_mb: Annotated[float, typer.Option(help="Refuse files larger than this.")] = 50.0,
    max_unzipped_mb: Annotated[float, typer.Option(help="Refuse DOCX packages that unpack to more.")] = 200.0,
    max_pdf_pages: Annotated[int, typer.Option(help="Refuse PDFs with more pages.")] = 2000,
) -> None:
    """Review one agreement for the side you act for: clauses, risk labels, findings, proposed edits.

    --format docx writes the agreement with the edits as Word tracked changes, each with a comment (give --output).
    """
    from proportion.context import build_context, read_context_file
    from proportion.ingest import load_bytes
    from proportion.knowledge.playbook import load_playbook
    from proportion.pipeline import review_bytes
    from proportion.render import RENDERERS, RenderOptions
    from proportion.render.docx import RedlineError, Signature

    flags = {
        "side": side,
        "data": data,
        "human_review": human_review,
        "use": use,
        "critical_output": critical_output,
        "deployment": deployment,
        "safeguards": safeguard or None,
        "regulatory_role": regulatory_role,
    }
    try:
        answers = read_context_file(context_file) if context_file is not None else {}
        context = build_context({**answers, **{key: value for key, value in flags.items() if value is not None}})
        playbook = load_playbook(playbook_file)
    except InputError as error:
        fail(str(error))
    if format is Format.docx and output is None:
        fail("a DOCX redline is a file; give --output PATH.docx")
    limits = _limits(max_file_mb, max_unzipped_mb, max_pdf_pages)
    try:
        source = load_bytes(file, limits)
        result = review_bytes(source, str(file), context=context, playbook=playbook, limits=limits, encoding=encoding)
    except InputError as error:
        fail(f"{_printable(file)}: {error}")
    try:
        options = RenderOptions(source, Signature(author=author), playbook, comments.value)
        rendered = RENDERERS[format.value](result, options)
    except RedlineError as error:
        fail(f"{_printable(file)}: cannot write the redline: {error}")
    _emit(rendered, output)
    if format is Format.docx:
        safe = sum(edit.grade == "safe" for edit in result.edits)
        said = f"{len(result.edits)} edits as tracked changes by {author} ({safe} precision only)"
        Console(stderr=True).print(f"wrote {output}: {said}" if result.edits else f"wrote {output}: no edits proposed")
    if fail_on is not FailOn.never:
        floor = SEVERITY_ORDER.index(fail_on.value)
        if any(SEVERITY_ORDER.index(finding.severity) >= floor for finding in result.findings):
            raise typer.Exit(1)


def _read_jsonl(stream: TextIO) -> Iterator[tuple[str, str]]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            fail(f'line {number} is not JSON ({error.msg}); expected {{"id": ..., "text": ...}} per line')
        if not isinstance(record, dict) or not isinstance(record.get("text"), str) or "id" not in record:
            fail(f'line {number} needs an "id" and a string "text"')
        yield str(record["id"]), record["text"]


@app.command()
def classify(
    file: Annotated[str, typer.Argument(help='JSON Lines of {"id", "text"} clauses, or - for stdin.')] = "-",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write JSON Lines here.")] = None,
) -> None:
    """Classify clauses given as JSON Lines; writes one result per line, in the same order (interfaces.md)."""
    from proportion.classify import classify_texts

    try:
        stream = sys.stdin if file == "-" else open(file, encoding="utf-8")  # noqa: SIM115
    except OSError as error:
        fail(f"{file}: cannot be read ({error.strerror})")
    with stream:
        try:
            records = list(_read_jsonl(stream))
        except UnicodeDecodeError:
            fail(f"{file}: not UTF-8 text")
    results = classify_texts([text for _, text in records])
    lines = [
        json.dumps({"id": record_id, **result.as_dict()}, ensure_ascii=False)
        for (record_id, _), result in zip(records, results, strict=True)
    ]
    text = "".join(f"{line}\n" for line in lines)
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomically(output, text.encode("utf-8"))


@app.command()
def bench(
    shared: Annotated[Path, typer.Option(help="The shared folder with corpus/open and data/ai_clauses.")] = Path(
        "../shared"
    ),
    pages: Annotated[int, typer.Option(help="Length of the generated agreement to time.")] = 50,
    repeat: Annotated[int, typer.Option(help="Timing repetitions; the best is kept.")] = 5,
) -> None:
    """Measure segmentation accuracy on the labelled corpus and speed on a long agreement."""
    from proportion.bench import run_bench

    try:
        run_bench(shared, pages=pages, repeat=repeat, console=Console())
    except InputError as error:
        fail(str(error))


@app.command()
def rules() -> None:
    """List the finding rules: code, family, severity, side protected and title."""
    from proportion.render.rules import render_rule_list

    Console().print(render_rule_list())


@app.command()
def rule(code: Annotated[str, typer.Argument(help="A rule code, e.g. OVB101.")]) -> None:
    """Explain one rule: what it detects, why it matters, an example, the proportionate alternative, its limits."""
    from proportion.knowledge.rules import rulebook
    from proportion.render.rules import render_rule

    found = rulebook().rules.get(code.upper())
    if found is None:
        fail(f"no rule {code!r}; 'proportion rules' lists them")
    Console().print(render_rule(found, rulebook().cases[found.code]))


class RoundsFormat(StrEnum):
    text = "text"
    json = "json"
    html = "html"


@app.command()
def rounds(
    files: Annotated[
        list[Path],
        typer.Argument(help="The versions in order (any format), or one tracked DOCX.", show_default=False),
    ],
    first: Annotated[Side, typer.Option(help="Who wrote the first version; the parties then alternate.")] = Side.vendor,
    parties: Annotated[
        str | None,
        typer.Option(help="Who wrote each version, in order, e.g. vendor,customer,customer (instead of alternating)."),
    ] = None,
    format: Annotated[RoundsFormat, typer.Option("--format", "-f", help="Report format.")] = RoundsFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here.")] = None,
    context_file: Annotated[
        Path | None, typer.Option("--context", help="Deal context, YAML or JSON ('proportion context init').")
    ] = None,
    playbook_file: Annotated[Path | None, typer.Option("--playbook", help="Your playbook over the default.")] = None,
    max_file_mb: Annotated[float, typer.Option(help="Refuse files larger than this.")] = 50.0,
) -> None:
    """Follow a negotiation round by round: what changed, who moved which way, what escalated, what is in dispute.

    Give the versions in order (V1 V2 V3 ...), or one DOCX whose tracked changes hold the rounds (each author's
    changes, in date order, are a round on top of the text with every change rejected).
    """
    from proportion.context import read_context_file
    from proportion.ingest import load_bytes, read_bytes, sniff
    from proportion.knowledge.playbook import load_playbook
    from proportion.rounds import negotiate, parse_parties, tracked_versions

    limits = Limits(max_file_bytes=int(max_file_mb * MIB))
    try:
        answers = read_context_file(context_file) if context_file is not None else {}
        answers.pop("side", None)
        loaded = load_playbook(playbook_file)
        data = [(path, load_bytes(path, limits)) for path in files]
        if len(data) == 1 and sniff(data[0][1], data[0][0].suffix) == "docx":
            documents = tracked_versions(data[0][1], limits)
        else:
            documents = [(path.name, read_bytes(content, path.suffix, limits)) for path, content in data]
    except InputError as error:
        fail(str(error))
    if len(documents) < 2:
        fail("a negotiation needs two or more versions, or one DOCX with tracked changes; this has one version")
    try:
        authors = parse_parties(parties, len(documents)) if parties else None
    except ValueError as error:
        fail(f"--parties: {error}")
    console = Console(stderr=True)
    with console.status("comparing versions") as status:
        result = negotiate(documents, first.value, answers, loaded, progress=status.update, parties=authors)
    if format is RoundsFormat.json:
        rendered: object = result.model_dump_json(by_alias=True, indent=2) + "\n"
    elif format is RoundsFormat.html:
        from proportion.render.rounds_html import render_rounds_html

        rendered = render_rounds_html(result)
    else:
        from proportion.render.rounds_text import render_rounds_text

        rendered = render_rounds_text(result)
    _emit(rendered, output)


def _emit(rendered: object, output: Path | None) -> None:
    """Print a report, or write it atomically to ``output`` (rich renderables as plain text)."""
    if output is None:
        if isinstance(rendered, bytes):
            fail("this format is binary; give --output PATH")
        Console(soft_wrap=isinstance(rendered, str)).print(rendered, markup=False, highlight=False)
        return
    if isinstance(rendered, str):
        encoded = rendered.encode("utf-8")
    elif isinstance(rendered, bytes):
        encoded = rendered
    else:
        buffer = io.StringIO()
        Console(file=buffer, width=120, no_color=True, force_terminal=False).print(rendered)
        encoded = buffer.getvalue().encode("utf-8")
    write_atomically(output, encoded)


@app.command()
def playbook(
    category: Annotated[str | None, typer.Argument(help="A risk category, e.g. training-use.")] = None,
    playbook_file: Annotated[
        Path | None, typer.Option("--playbook", help="Show your playbook laid over the default.")
    ] = None,
    side: Annotated[Side, typer.Option(help="The party you act for.")] = Side.customer,
    schema: Annotated[bool, typer.Option("--schema", help="Print the JSON Schema of a playbook file.")] = False,
    init: Annotated[
        Path | None,
        typer.Option("--init", help="Write a playbook to start from (the CATEGORY's ladder, default training-use)."),
    ] = None,
    force: Annotated[bool, typer.Option(help="With --init: overwrite an existing file.")] = False,
) -> None:
    """Show the negotiating ladders: every category, or one category's positions and language."""
    from proportion.context import build_context
    from proportion.knowledge.playbook import default_playbook, load_playbook, starter, user_schema
    from proportion.render.playbook import render_ladder, render_ladders

    if schema:
        typer.echo(json.dumps(user_schema(), indent=2))
        return
    if init is not None:
        chosen = category or "training-use"
        if chosen not in default_playbook().categories:
            fail(f"no category {chosen!r}; 'proportion playbook' lists them")
        if init.exists() and not force:
            fail(f"{_printable(init)} exists; pass --force to overwrite it")
        write_atomically(init, starter(chosen).encode("utf-8"))
        Console(stderr=True).print(f"wrote {init}; edit it, then: proportion review FILE --playbook {init}")
        return
    try:
        loaded = load_playbook(playbook_file)
    except InputError as error:
        fail(str(error))
    context = build_context({"side": side})
    if category is None:
        Console().print(render_ladders(loaded, context))
    elif category not in loaded.categories:
        fail(f"no category {category!r}; 'proportion playbook' lists them")
    else:
        Console().print(render_ladder(loaded.category(category), loaded, context))


context_app = typer.Typer(help="The deal context: what makes a risk material in this deal.", no_args_is_help=True)
app.add_typer(context_app, name="context")


@context_app.command("init")
def context_init(
    output: Annotated[Path, typer.Argument(help="Where to write the template.")] = Path("context.yaml"),
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented YAML template that asks the deal-context questions in plain words."""
    from proportion.context import template

    if output.exists() and not force:
        fail(f"{_printable(output)} exists; pass --force to overwrite it")
    write_atomically(output, template().encode("utf-8"))
    Console(stderr=True).print(f"wrote {output}; answer the questions, then: proportion review FILE --context {output}")


SHARED_HELP = "The shared folder with data/ai_clauses, data/cuad and corpus/open."


@app.command()
def train(
    shared: Annotated[Path, typer.Option(help=SHARED_HELP)] = Path("../shared"),
    output: Annotated[
        Path | None, typer.Option(help="Folder for fast.npz and fast.json [default: the package's]")
    ] = None,
    check: Annotated[
        bool, typer.Option(help="Train into a scratch folder and check it reproduces the shipped model.")
    ] = False,
) -> None:
    """Train the fast classifier from the labelled data in shared/ and training/ (needs the train extra)."""
    try:
        from proportion.classify import WEIGHTS
        from proportion.classify.datasets import TRAINING
        from proportion.classify.train import train_model
    except ImportError as error:
        fail(f"training needs scikit-learn and scipy ({error.name} is missing): pip install 'proportion[train]'")
    console = Console(stderr=True)
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) if check else (output or WEIGHTS)
        try:
            manifest = train_model(shared, TRAINING, target, say=console.print)
        except FileNotFoundError as error:
            fail(str(error))
        if not check:
            console.print(f"wrote {target / 'fast.npz'} (sha256 {manifest['sha256'][:16]}…)")
            return
        shipped = json.loads((WEIGHTS / "fast.json").read_text(encoding="utf-8"))
    if shipped["sha256"] != manifest["sha256"]:
        fail(
            f"retrained model differs from the shipped one ({manifest['sha256'][:16]}… vs {shipped['sha256'][:16]}…)", 1
        )
    console.print(f"reproduced: the shipped model is what this data and code train (sha256 {manifest['sha256'][:16]}…)")


class EvalPart(StrEnum):
    ai = "ai"
    cuad = "cuad"
    unfair = "unfair"
    findings = "findings"


@app.command(name="eval")
def evaluate(
    shared: Annotated[Path, typer.Option(help=SHARED_HELP)] = Path("../shared"),
    only: Annotated[list[EvalPart] | None, typer.Option(help="Run only these parts (repeatable).")] = None,
    output: Annotated[Path | None, typer.Option(help="Also write the figures as JSON here.")] = None,
) -> None:
    """Measure: (a) AI categories and mechanisms, (b) CUAD clause types, (c) UNFAIR-ToS, (d) findings."""
    try:
        from proportion.classify import evaluate as measures
    except ImportError as error:
        fail(f"eval needs scikit-learn and scipy ({error.name} is missing): pip install 'proportion[train]'")
    from proportion.classify import load
    from proportion.evaluation import findings_benchmark
    from proportion.render.evaluation import render_evaluation

    parts = set(only or list(EvalPart))
    progress = Console(stderr=True)
    evaluation = measures.Evaluation()
    try:
        if EvalPart.ai in parts:
            evaluation.ai = measures.evaluate_ai(shared, say=progress.print)
        if EvalPart.cuad in parts:
            evaluation.cuad = measures.evaluate_cuad(shared, load("fast").heads["cuad"], say=progress.print)
        if EvalPart.unfair in parts:
            evaluation.unfair = measures.evaluate_unfair(shared, say=progress.print)
        if EvalPart.findings in parts:
            progress.print("(d) findings on the open corpus")
            evaluation.findings = findings_benchmark(
                shared / "corpus" / "open", shared / "data" / "ai_clauses" / "clauses.jsonl"
            )
    except FileNotFoundError as error:
        fail(f"{error} (pass --shared)")
    Console().print(render_evaluation(evaluation))
    if output is not None:
        write_atomically(output, json.dumps(measures.as_json(evaluation), indent=2).encode("utf-8"))


def run() -> None:
    """Entry point that turns unexpected failures into one line (set PROPORTION_DEBUG=1 for a traceback)."""
    try:
        app()
    except Exception as error:  # pragma: no cover - last-resort guard
        if os.environ.get("PROPORTION_DEBUG"):
            raise
        sys.stderr.write(
            f"proportion: internal error: {type(error).__name__}: {error} (set PROPORTION_DEBUG=1 for details)\n"
        )
        sys.exit(70)
