"""Propose: each finding -> the playbook position proportionate for our side in this deal, and the smallest edit
of the agreement text that moves the clause there.

A rule's ``fix`` (knowledge/rules) says what kind of edit resolves its findings; the playbook (knowledge/playbook)
supplies the language, written as templates that take the agreement's own defined terms, party names and section
numbers. Edits are plain offsets into ``document.text``, so any renderer (the DOCX redline, the memo) and any check
(accepting every edit must change nothing outside the edits' spans) works from the same record.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from proportion.context import DealContext
from proportion.knowledge.playbook import _PLACEHOLDER, SECTION, Playbook, Position
from proportion.knowledge.rules import Rule, rulebook
from proportion.models import Clause, DefinedTerm, Edit, Finding

SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2, "info": 3}
_REFERENCE_WORD = re.compile(r"\b(Section|Clause|Article|Paragraph)s?\s+\d+(\.\d)?")
_REFERENCE_LIST = re.compile(
    r"(?:Section|Clause|Article|Paragraph) [\w.()]+(?:(?:, | or | and )(?:Section|Clause|Article|Paragraph) [\w.()]+)+"
)
_INLINE_HEADING = re.compile(r"^[A-Z][^.;:\n]{0,60}\.\s")
_ABBREVIATION = re.compile(r"(?:\b(?:e\.g|i\.e|etc|Inc|Ltd|Co|No|Nos|Sec|U\.S|vs|cf)|\b[A-Z])$")


@dataclass(frozen=True, slots=True)
class Drafting:
    """How the playbook's language reads in this agreement: its words for the variables and its section numbers."""

    values: dict[str, str]
    sections: dict[str, str]

    def render(self, template: str, evidence: str = "", definitions: str = "", sentence: bool = True) -> str:
        """The template in this agreement's words; ``sentence`` capitalises its first letter."""
        def substitute(match: re.Match[str]) -> str:
            name, argument = match.group(1), match.group(2)
            if name == SECTION:
                return self.sections[argument]
            builtin = {"evidence": evidence, "definitions": definitions}
            return builtin[name] if name in builtin else self.values[name]

        text = " ".join(_PLACEHOLDER.sub(substitute, template).split())
        text = _REFERENCE_LIST.sub(_distinct_references, text)
        return text[:1].upper() + text[1:] if sentence else text


def _distinct_references(match: re.Match[str]) -> str:
    """'Article 4, Article 7 or Article 4' -> 'Article 4 or Article 7': two categories can share one article."""
    items = re.split(r", | or | and ", match.group(0))
    kept = list(dict.fromkeys(items))
    if len(kept) == len(items):
        return match.group(0)
    conjunction = " and " if " and " in match.group(0).rsplit(",", 1)[-1] else " or "
    return kept[0] if len(kept) == 1 else ", ".join(kept[:-1]) + conjunction + kept[-1]


def drafting(text: str, clauses: list[Clause], terms: Iterable[DefinedTerm], playbook: Playbook) -> Drafting:
    """The agreement's own defined terms for each variable, and the reference to the clause governing a category."""
    defined = {term.term for term in terms}
    values = {
        name: next((candidate for candidate in variable.candidates if candidate in defined), variable.fallback)
        for name, variable in playbook.variables.items()
    }
    references = list(_REFERENCE_WORD.finditer(text))
    article_word = _most_common([m.group(1) for m in references if not m.group(2)], "Section")
    section_word = _most_common([m.group(1) for m in references if m.group(2)], article_word)
    sections = {}
    operative = [clause for clause in clauses if clause.number and "definition" not in clause.mechanisms]
    for category in playbook.categories:
        governing = [clause.number for clause in operative if category in clause.categories]
        if not governing:
            sections[category] = f"the provisions of this {values['agreement']} on {category.replace('-', ' ')}"
            continue
        articles = Counter(number.split(".")[0] for number in governing if re.match(r"\d+\.", number))
        article, count = articles.most_common(1)[0] if articles else ("", 0)
        first = governing[0]
        if count > 1:
            sections[category] = f"{article_word} {article}"  # the article where most of its clauses sit
        elif not first[:1].isdigit():
            sections[category] = first  # "Schedule 2, S2.1" names itself
        else:
            sections[category] = f"{section_word if '.' in first else article_word} {first}"
    return Drafting(values, sections)


def _most_common(words: list[str], default: str) -> str:
    return Counter(words).most_common(1)[0][0] if words else default


@dataclass(slots=True)
class _Draft:
    """An edit before ids are given and overlapping edits merged."""

    start: int
    end: int
    text: str
    kind: str
    clause: str | None
    rule: Rule
    finding: int
    position: str
    comment: str
    format_like: int | None = None
    number: str = ""
    """A new clause's number; ``label`` is how it is written at the start of ``text``, after the line break."""
    label: str = ""
    also: list[int] = field(default_factory=list)
    """Findings of the same rule on sibling clauses that this edit resolves too."""


def propose(
    text: str,
    clauses: list[Clause],
    terms: list[DefinedTerm],
    findings: list[Finding],
    context: DealContext,
    playbook: Playbook,
) -> list[Edit]:
    """One edit per finding (findings resolved by the same edit share it), in document order."""
    words = drafting(text, clauses, terms, playbook)
    rules = rulebook().rules
    undefined = _undefined_terms(text, findings)
    drafts = [
        _draft(index, finding, rules[finding.rule], text, clauses, context, playbook, words, undefined)
        for index, finding in enumerate(findings)
    ]
    return _settle(_once_per_list(drafts, clauses))


def positions(context: DealContext, playbook: Playbook) -> dict[str, dict[str, object]]:
    """Per category, where the playbook puts this deal: our side's target and fallbacks, and the middle."""
    facts = context.facts()
    placed: dict[str, dict[str, object]] = {}
    for category, book in playbook.categories.items():
        target = book.target(context.side, facts)
        placed[category] = {
            "target": target.id,
            "target_summary": target.summary,
            "fallbacks": [position.id for position in book.fallbacks(context.side, facts)],
            "middle": book.middle(facts).id,
            "ladder": [position.id for position in book.ladder],
        }
    return placed


def _position(rule: Rule, context: DealContext, playbook: Playbook) -> tuple[str, Position]:
    if rule.fix.position:
        category, identifier = rule.fix.position.split("/")
        return category, playbook.category(category).position(identifier)
    category = rule.categories[0]
    return category, playbook.category(category).target(context.side, context.facts())


def _undefined_terms(text: str, findings: list[Finding]) -> dict[str, list[str]]:
    """Per undefined-term rule, the terms the agreement relies on without defining, as the rule spells them."""
    found: dict[str, list[str]] = {}
    for finding in findings:
        condition = rulebook().rules[finding.rule].undefined
        if condition is None:
            continue
        used = text[finding.start : finding.end]
        term = next((term for term, pattern in condition.patterns.items() if pattern.fullmatch(used)), used)
        found.setdefault(finding.rule, [])
        if term not in found[finding.rule]:
            found[finding.rule].append(term)
    return found


def _definitions(rule: Rule, terms: list[str], words: Drafting) -> str:
    """'“Prompt” means ...; and “Output” means ...' for the terms the agreement leaves undefined."""
    condition = rule.undefined
    if condition is None or not condition.definitions:
        return ""
    parts = [f"“{term}” means {words.render(condition.definitions[term], sentence=False)}" for term in terms]
    return parts[0] if len(parts) == 1 else "; ".join(parts[:-1]) + "; and " + parts[-1]


def _draft(
    index: int,
    finding: Finding,
    rule: Rule,
    text: str,
    clauses: list[Clause],
    context: DealContext,
    playbook: Playbook,
    words: Drafting,
    undefined: dict[str, list[str]],
) -> _Draft:
    category, position = _position(rule, context, playbook)
    fix = rule.fix
    evidence = text[finding.start : finding.end]
    where = f"{category}/{position.id}"
    comment = f"{rule.code} {rule.title}. {rule.why} Proposed position: {position.summary}"
    clause = _clause_at(clauses, finding.start)
    if fix.edit == "new-clause":
        anchor = _definitions_clause(clauses) if rule.undefined is not None else clause
        definitions = _definitions(rule, undefined.get(rule.code, []), words)
        language = words.render(fix.text or position.language, evidence, definitions)
        heading = fix.heading or position.heading
        start, label, body, like, number = _new_clause(text, clauses, anchor, heading, language, words)
        return _Draft(
            start, start, f"\n{label}{body}", "new-clause", anchor.id, rule, index, where, comment, like, number, label
        )
    line_start = max(text.rfind("\n", 0, finding.start) + 1, clause.start)
    line_end = _line_end(text, finding.start)
    if fix.edit == "strike-evidence":
        start, end = _strike_span(text, finding.start, finding.end, line_end)
        return _Draft(start, end, "", "delete", clause.id, rule, index, where, comment)
    if fix.edit == "replace-evidence":
        replacement = words.render(fix.text, evidence)
        replacement = replacement if evidence[:1].isupper() else replacement[:1].lower() + replacement[1:]
        start, end, replacement = shrink(text, finding.start, finding.end, replacement)
        return _Draft(start, end, replacement, _kind(start, end, replacement), clause.id, rule, index, where, comment)
    end_of_sentence = sentence_end(text, finding.end, line_end)
    if fix.edit == "append":
        language = words.render(fix.text or position.amendment or position.language, evidence)
        return _Draft(end_of_sentence, end_of_sentence, " " + language, "insert", clause.id, rule, index, where,
                      comment)
    language = words.render(fix.text or position.language, evidence)
    start, end, language = shrink(text, sentence_start(text, finding.start, line_start), end_of_sentence, language)
    return _Draft(start, end, language, _kind(start, end, language), clause.id, rule, index, where, comment)


def _kind(start: int, end: int, text: str) -> str:
    return "insert" if start == end else "delete" if not text else "replace"


def _clause_at(clauses: list[Clause], offset: int) -> Clause:
    return next(
        (clause for clause in reversed(clauses) if clause.start <= offset < max(clause.end, clause.start + 1)),
        clauses[0],
    )


def _definitions_clause(clauses: list[Clause]) -> Clause:
    """Where a new definition goes: the definitions section (by its heading, else the first numbered definition)."""
    by_heading = (clause for clause in clauses if "definition" in clause.heading.lower())
    by_label = (clause for clause in clauses if clause.number and "definition" in clause.mechanisms)
    return next(by_heading, None) or next(by_label, None) or clauses[0]


def _line_end(text: str, offset: int) -> int:
    end = text.find("\n", offset)
    return len(text) if end < 0 else end


def _abbreviation_before(text: str, full_stop: int) -> bool:
    """Whether the full stop at ``full_stop`` ends an abbreviation ('e.g.', 'Inc.', a single initial)."""
    return _ABBREVIATION.search(text, max(0, full_stop - 8), full_stop) is not None


def sentence_end(text: str, offset: int, line_end: int) -> int:
    """Just after the full stop that ends the sentence holding ``offset`` (the end of the line if none does)."""
    for match in re.finditer(r"\.(?=[\"”’)]*(?:\s+[\"“(A-Z0-9]|\s*$))", text[offset:line_end]):
        if not _abbreviation_before(text, offset + match.start()):
            end = offset + match.end()
            while end < line_end and text[end] in "\"”’)":
                end += 1
            return end
    return len(text[:line_end].rstrip())


def sentence_start(text: str, offset: int, line_start: int) -> int:
    start = line_start
    for match in re.finditer(r"\.[\"”’)]*\s+(?=[\"“(A-Z])", text[line_start:offset]):
        if not _abbreviation_before(text, line_start + match.start()):
            start = line_start + match.end()
    return start


def _strike_span(text: str, start: int, end: int, line_end: int) -> tuple[int, int]:
    """The evidence plus the separator it leaves behind, so the sentence still reads."""
    if text[end : end + 2] == ", " and end + 2 <= line_end:
        return start, end + 2
    if text[end : end + 1] == " ":
        return start, end + 1
    if start > 0 and text[start - 1] == " ":
        return start - 1, end
    return start, end


def shrink(text: str, start: int, end: int, new: str) -> tuple[int, int, str]:
    """A replacement of ``text[start:end]`` by ``new``, shrunk to the words that actually change."""
    old = text[start:end]
    shortest = min(len(old), len(new))
    prefix = 0
    while prefix < shortest and old[prefix] == new[prefix]:
        prefix += 1
    if prefix < shortest:
        prefix = old.rfind(" ", 0, prefix + 1) + 1
    suffix = 0
    while suffix < shortest - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    if suffix < shortest - prefix:
        cut = old.find(" ", len(old) - suffix)
        suffix = len(old) - cut if cut >= 0 else 0
    return start + prefix, end - suffix, new[prefix : len(new) - suffix]


def _shape(number: str) -> str:
    """A number's form: '7.4' and '7.5' share one, '(c)' and '(d)' another, '(iv)' and '(v)' a third."""
    return re.sub(r"\d+", "9", re.sub(r"\((?:[ivxl]+|[a-z])\)", "(a)", number))


def _siblings(clauses: list[Clause], anchor: Clause) -> list[Clause]:
    """Clauses at the anchor's place in the outline: same parent, same number prefix and form."""
    prefix = anchor.number.rpartition(".")[0] if "." in anchor.number else None
    return [
        clause
        for clause in clauses
        if clause.parent == anchor.parent
        and clause.level == anchor.level
        and _shape(clause.number) == _shape(anchor.number)
        and (prefix is None or clause.number.rpartition(".")[0] == prefix)
    ]


def _subtree_end(clauses: list[Clause], root: Clause) -> Clause:
    """The last clause under ``root`` in the outline (``root`` itself when it has none)."""
    last = root
    members = {root.id}
    for clause in clauses[clauses.index(root) + 1 :]:
        if clause.parent not in members:
            break
        members.add(clause.id)
        last = clause
    return last


def _new_clause(
    text: str, clauses: list[Clause], anchor: Clause, heading: str, language: str, words: Drafting
) -> tuple[int, str, str, int, str]:
    """Where a new clause goes, its label and text, the offset of the clause it is laid out like, its number.

    It follows the last clause of the anchor's list and takes the next number, so nothing is renumbered (Word's
    automatic numbering gives it that same number)."""
    siblings = _siblings(clauses, anchor) if anchor.number else []
    model = siblings[-1] if siblings else anchor
    after = _subtree_end(clauses, model)
    before_text = text[text.rfind("\n", 0, model.start) + 1 : model.start].lstrip()
    label = _label_in(before_text, model.number)
    inline_heading = bool(before_text[len(label) :].strip()) or bool(_INLINE_HEADING.match(model.text))
    body = f"{words.render(heading)}. {language}" if inline_heading and model.heading else language
    if not model.number or not label:
        return after.end, "", body, model.start, ""
    number = next_number(model.number)
    return after.end, relabel(label, model.number, number), body, model.start, number


def _label_in(line_start: str, number: str) -> str:
    """The clause number as written at the start of its line ('1.13\t' of '1.13\tInterpretation. '), with the
    separator after it; the words after it (an inline heading) are not part of it."""
    found = _COMPONENT.search(number)
    if found is None:
        return line_start
    written = re.search(re.escape(found.group(1)) + r"[.)]*[\t ]", line_start)
    return line_start[: written.end()] if written else line_start


_COMPONENT = re.compile(r"(\d+|[ivxl]+|[a-z])\)?$")
_ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv"]
"""Roman item numbers; a lone 'i', 'v' or 'x' is read as roman, as legal lists rarely run to a ninth letter."""


def next_number(number: str) -> str:
    """'7.4' -> '7.5'; '2.1(c)' -> '2.1(d)'; '(iv)' -> '(v)'; other forms get an 'A' suffix."""
    found = _COMPONENT.search(number)
    if found is None:
        return f"{number}A"
    component = found.group(1)
    if component.isdigit():
        following = str(int(component) + 1)
    elif component in _ROMAN[:-1]:
        following = _ROMAN[_ROMAN.index(component) + 1]
    elif len(component) == 1 and component != "z":
        following = chr(ord(component) + 1)
    else:
        return f"{number}A"
    return f"{number[: found.start(1)]}{following}{number[found.end(1) :]}"


def relabel(label: str, number: str, following: str) -> str:
    """The label of the clause numbered ``following``, written as ``label`` (the label of ``number``) is:
    '4.5\t' -> '4.6\t', '(c) ' -> '(d) ', '1.\t' -> '2.\t'."""
    old, new = _COMPONENT.search(number), _COMPONENT.search(following)
    if old is not None and new is not None and (at := label.rfind(old.group(1))) >= 0:
        return label[:at] + new.group(1) + label[at + len(old.group(1)) :]
    return f"{following}{label[-1:] if label[-1:] in (chr(9), ' ') else ' '}"


def _says_the_same(added: str, kept: str) -> bool:
    """Whether a sentence adds little to one already proposed at the same point (most of its words are there)."""
    words = set(re.findall(r"\w+", added.lower()))
    return len(words & set(re.findall(r"\w+", kept.lower()))) >= 0.6 * len(words)


def _once_per_list(drafts: list[_Draft], clauses: list[Clause]) -> list[_Draft]:
    """A rule that fires on several items of one list gets one edit, after the last of them, resolving all."""
    parents = {clause.id: clause.parent for clause in clauses}
    last: dict[tuple[str, str, str], _Draft] = {}
    for draft in drafts:
        parent = parents.get(draft.clause or "")
        if parent is None or draft.kind != "insert":
            continue
        key = (draft.rule.code, parent, draft.text)
        if key not in last or last[key].start < draft.start:
            last[key] = draft
    kept = []
    for draft in drafts:
        parent = parents.get(draft.clause or "")
        host = last.get((draft.rule.code, parent, draft.text)) if parent is not None else None
        if host is None or host is draft:
            kept.append(draft)
        else:
            host.also.append(draft.finding)
    return kept


def _settle(drafts: list[_Draft]) -> list[Edit]:
    """Merge edits that touch the same words: the most severe finding's edit is kept and names the others;
    sentences appended at the same point are joined into one insertion."""
    kept: list[tuple[_Draft, list[_Draft]]] = []
    for draft in sorted(drafts, key=lambda d: (SEVERITY_RANK[d.rule.severity], d.start, d.rule.code)):
        host = next((entry for entry in kept if _collides(entry[0], draft)), None)
        if host is None:
            kept.append((draft, []))
            continue
        host[1].append(draft)
        if draft.kind == "insert" and host[0].kind == "insert" and not _says_the_same(draft.text, host[0].text):
            host[0].text += draft.text
    kept.sort(key=lambda entry: _order(entry[0].start, entry[0].end, entry[0].kind))
    _number_stacked_clauses([draft for draft, _ in kept])
    edits = []
    for number, (draft, merged) in enumerate(kept, start=1):
        group = [draft, *merged]
        rules = list(dict.fromkeys(member.rule.code for member in group))
        grades = {member.rule.fix.grade for member in group}
        comments = list(dict.fromkeys(member.comment for member in group))
        edits.append(
            Edit(
                id=f"e{number}",
                kind=draft.kind,
                clause=draft.clause,
                start=draft.start,
                end=draft.end,
                text=draft.text,
                grade="review" if "review" in grades else "safe",
                rules=rules,
                findings=sorted(index for member in group for index in (member.finding, *member.also)),
                category=draft.position.split("/")[0],
                position=draft.position,
                comment="\n\n".join(comments),
                format_like=draft.format_like,
            )
        )
    return edits


def _order(start: int, end: int, kind: str) -> tuple[int, bool, int]:
    """Document order; at one offset, a change to the paragraph comes before new clauses added after it."""
    return start, kind == "new-clause", end


def _number_stacked_clauses(drafts: list[_Draft]) -> None:
    """New clauses added at the same point follow one another: 7.5, 7.6, ..."""
    previous: _Draft | None = None
    for draft in drafts:
        if draft.kind != "new-clause" or not draft.number:
            continue
        if previous is not None and previous.start == draft.start:
            following = next_number(previous.number)
            label = relabel(draft.label, draft.number, following)
            draft.text = f"\n{label}{draft.text[1 + len(draft.label) :]}"
            draft.number, draft.label = following, label
        previous = draft


def _collides(kept: _Draft, draft: _Draft) -> bool:
    """Whether two edits cannot both be made: overlapping spans, or two insertions at one point (except new
    clauses, which stack as successive paragraphs)."""
    if kept.kind == "new-clause" or draft.kind == "new-clause":
        return kept.kind == draft.kind and kept.start == draft.start and kept.rule.code == draft.rule.code
    if kept.start == kept.end or draft.start == draft.end:
        point, span = (draft, kept) if draft.start == draft.end else (kept, draft)
        return span.start <= point.start <= span.end
    return draft.start < kept.end and kept.start < draft.end


def accepted(text: str, edits: list[Edit]) -> str:
    """The agreement text with every edit accepted (the check that no edit reaches outside its span)."""
    pieces = []
    cursor = 0
    for edit in sorted(edits, key=lambda e: _order(e.start, e.end, e.kind)):
        pieces.append(text[cursor : edit.start])
        pieces.append(edit.text)
        cursor = max(cursor, edit.end)
    pieces.append(text[cursor:])
    return "".join(pieces)
