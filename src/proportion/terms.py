"""Defined terms: where each is defined ("Output" means ..., (the "Agreement")) and which clauses use it.

Part of the segment stage. A definition is a quoted, capitalised phrase followed by a defining verb, or a
quoted phrase in a parenthesis that names what precedes it. Uses are whole-word, case-sensitive occurrences
of the term (or its plural) outside the defining quotes.
"""

from __future__ import annotations

import bisect
import re

from proportion.models import Clause, DefinedTerm, TermUse

_QUOTED = r"[\"“”']([A-Z][\w&/\-]*(?:[ \-][\w&/\-]+){0,5})[\"“”']"
_DEFINING = re.compile(
    _QUOTED + r"\s*(?:\([^)]{0,40}\)\s*)?(?:,\s*)?(?:shall\s+)?(?:means?|has the meanings?|have the meanings?|"
    r"refers? to|includes?|is defined|shall have the meaning)\b"
)
_PARENTHETICAL = re.compile(
    r"\((?:the|this|each|each,|an?|collectively|together|individually|hereinafter|hereafter|referred to as|"
    r"collectively,|together,|each a|each an|individually, an?|collectively the|herein)?[\s,]*(?:an?\s+|the\s+)?"
    + _QUOTED
    + r"\s*(?:or\s+"
    + _QUOTED
    + r"\s*)?\)"
)


def _definitions(clauses: list[Clause]) -> dict[str, DefinedTerm]:
    found: dict[str, DefinedTerm] = {}
    for clause in clauses:
        for pattern in (_DEFINING, _PARENTHETICAL):
            for match in pattern.finditer(clause.text):
                for group in range(1, (match.lastindex or 1) + 1):
                    term = match.group(group)
                    if not term or term in found:
                        continue
                    start = clause.start + match.start(group)
                    found[term] = DefinedTerm(term=term, clause=clause.id, start=start, end=start + len(term))
    return found


def defined_terms(text: str, clauses: list[Clause]) -> list[DefinedTerm]:
    """Every defined term in document order, with the clauses that use it."""
    found = _definitions(clauses)
    if not found:
        return []
    names = sorted(found, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w\"“])(" + "|".join(re.escape(name) for name in names) + r")(?:s|es)?(?![\w\"”])")
    starts = [clause.start for clause in clauses]
    for match in pattern.finditer(text):
        term = found[match.group(1)]
        if term.start <= match.start() < term.end:
            continue
        index = bisect.bisect_right(starts, match.start()) - 1
        if index < 0 or match.start() >= clauses[index].end:
            continue
        term.uses.append(
            TermUse(clause=clauses[index].id, start=match.start(), end=match.start() + len(match.group(1)))
        )
    return sorted(found.values(), key=lambda term: term.start)
