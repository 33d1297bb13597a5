"""The review pipeline: ingest -> segment -> classify -> assess -> propose -> Review (render is the caller's)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from proportion.assess import assess, summarise
from proportion.classify import ClauseLabels, classify_texts
from proportion.context import DealContext, build_context
from proportion.ingest import Limits, load_bytes, read_bytes
from proportion.knowledge.playbook import Playbook, default_playbook
from proportion.models import Clause, DefinedTerm, DocumentInfo, Review, SourceDocument
from proportion.propose import positions, propose
from proportion.segment import segment
from proportion.terms import defined_terms


def analyse(
    document: SourceDocument, known: dict[tuple[str, str], ClauseLabels] | None = None
) -> tuple[list[Clause], list[DefinedTerm]]:
    """Segment and classify a document read by ingest; find its defined terms. ``known`` holds labels of clauses
    already classified, by (text, heading), and receives the new ones: versions of one agreement share most."""
    clauses = segment(document)
    known = {} if known is None else known
    fresh = list(dict.fromkeys((clause.text, clause.heading) for clause in clauses if (clause.text, clause.heading)
                               not in known))
    if fresh:
        known.update(zip(fresh, classify_texts([text for text, _ in fresh], [heading for _, heading in fresh]),
                         strict=True))
    for clause in clauses:
        found = known[(clause.text, clause.heading)]
        clause.categories, clause.mechanisms = found.categories, found.mechanisms
        clause.clause_types, clause.scores = found.clause_types, found.scores
    return clauses, defined_terms(document.text, clauses)


def review_document(
    document: SourceDocument,
    path: str,
    sha256: str,
    context: DealContext | None = None,
    playbook: Playbook | None = None,
) -> Review:
    """Run every stage after ingest on a document already read (default deal context and playbook when none is
    given)."""
    context = context if context is not None else build_context({})
    playbook = playbook if playbook is not None else default_playbook()
    clauses, terms = analyse(document)
    findings = assess(clauses, context, (term.term for term in terms))
    summary = summarise(clauses, findings, context)
    for category, placed in positions(context, playbook).items():
        summary[category]["playbook"] = placed
    return Review(
        document=DocumentInfo(
            path=path,
            sha256=sha256,
            format=document.format,
            title=document.title,
            text=document.text,
            facts=document.facts,
        ),
        context=context.public(),
        clauses=clauses,
        defined_terms=terms,
        findings=findings,
        edits=propose(document.text, clauses, terms, findings, context, playbook),
        summary={"categories": summary},
    )


def review(
    path: str | Path,
    *,
    context: DealContext | None = None,
    playbook: Playbook | None = None,
    limits: Limits | None = None,
    encoding: str | None = None,
) -> Review:
    """Review one agreement file. Raises :class:`proportion.errors.InputError` for input that cannot be read."""
    data = load_bytes(path, limits)
    return review_bytes(data, str(path), context=context, playbook=playbook, limits=limits, encoding=encoding)


def review_bytes(
    data: bytes,
    name: str,
    *,
    context: DealContext | None = None,
    playbook: Playbook | None = None,
    limits: Limits | None = None,
    encoding: str | None = None,
) -> Review:
    """Review an agreement held in memory; ``name`` supplies the extension hint and the reported path."""
    document = read_bytes(data, Path(name).suffix, limits, encoding)
    return review_document(document, name, hashlib.sha256(data).hexdigest(), context, playbook)
