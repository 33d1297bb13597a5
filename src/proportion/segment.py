"""Segment: blocks -> clauses with number, heading, level, parent and character offsets.

A clause is the smallest numbered unit that stands on its own paragraph or, where the text has no number, one
paragraph (``shared/spec/labeling.md``). Numbers come from the format (Word automatic numbering) or are typed
at the start of the paragraph; their place in the outline is inferred from the numbering scheme (``1.1`` is
absolute, ``(a)`` nests under the last unit of another scheme). Heading-only paragraphs make no clause; their
text becomes the heading of the clauses under them. Lists, check-box options and continuation lines join the
paragraph they belong to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from proportion.models import Block, BlockKind, Clause, SourceDocument

_ROMAN = re.compile(r"^(?=[ivxlcdm]+$)m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$", re.IGNORECASE)
_NUMBER = re.compile(
    r"""^(?:
        (?P<word>(?:Article|ARTICLE|Section|SECTION|Clause|CLAUSE|Part|PART)\s+(?P<word_id>[0-9]+(?:\.[0-9]+)*|[IVXLC]+)\.?)
      | (?P<part>(?:Schedule|SCHEDULE|Exhibit|EXHIBIT|Annex|ANNEX|Appendix|APPENDIX|Attachment|ATTACHMENT|Addendum)
            \s+(?P<part_id>[0-9A-Z]{1,4})\b[.:]?)
      | §+\s*(?P<statute>[0-9][0-9A-Za-z\-]*)\.?
      | (?P<dotted>(?:[A-Z]{1,2}\.?)?[0-9]{1,3}(?:\.[0-9]{1,3})+(?:\.[a-z])?|[0-9]{1,3}\.[A-Z]\b|[0-9]{1,3})
            (?P<dot>[.)]?)
      | \((?P<paren>[0-9]{1,3}|[a-z]{1,2}|[A-Z]{1,2}|[ivxlcdm]+|[IVXLCDM]+)\)
      | (?P<item>[a-z]|[A-Z]|[ivxlc]{2,5})[.)]
    )(?=\s|$)""",
    re.VERBOSE,
)
_MONTH = re.compile(r"(?:January|February|March|April|May|June|July|August|September|October|November|December)\b")
_BULLET = re.compile(r"^(?:[-*•▪◦●‣]|\[(?:\s*|_+|x|X)\])\s")
_CHECKBOX = re.compile(r"^\[(?:\s*|_+|x|X)\]")
_BRACKET_TITLE = re.compile(r"^\[[^\]\[_]{3,90}\]$")
_EMPTY_BLANK = re.compile(r"^[^.]{0,60}?:?\s*(?:\[_*\]|_{3,})?\s*(?:\[_+\]|_{3,})\.?$")
_EMPTY_FIELD = re.compile(r"^[-*•]\s*[^.:]{0,60}:\s*$")
_METADATA = re.compile(
    r"^(?:Version(?: Effective)? Date|Effective Date|Last (?:updated|modified|revised)|Updated|Version)\b[^.]{0,60}$",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(
    r"^(?:[A-Z][A-Z ]{2,30}:\s*\S{0,40}$|(?:By|Name|Print Name|Printed Name|Title|Date|Signature|Signed|"
    r"Notice Address|Email)\b:?\s*(?:\S+\s*){0,8}$)"
)
_SIGNATURE_START = re.compile(r"^(?:Signature|Signed|By:|IN WITNESS WHEREOF|Signed by)\b", re.IGNORECASE)
_PLACEHOLDERS = re.compile(r"^(?:\{[^}]*\}\s*)+$")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_INLINE_HEADING = re.compile(r"^(?P<h>[A-Z\[(][^.:;!?]{0,80}?)[.:](?:\s+|(?=[A-Z“\"])|$)(?P<t>.*)$", re.S)
_SENTENCE_WORDS = re.compile(
    r"\b(will|may|must|shall|is|are|was|were|means|has|have|does|do|can|should|would|includes?|agrees?)\b"
)


@dataclass(slots=True)
class NumberToken:
    """A clause number as written: its scheme (decides nesting), its own text and length in the block."""

    scheme: str
    local: str
    absolute: bool
    length: int
    depth: int = 0


@dataclass(slots=True)
class _Unit:
    """A place in the outline: a clause or a heading-only unit, with its full number."""

    scheme: str
    number: str
    heading: str
    clause: Clause | None = None
    depth: int = 0
    seq: int = 0


@dataclass(slots=True)
class _State:
    stack: list[_Unit] = field(default_factory=list)
    heading: str = ""
    heading_seq: int = -1
    seq: int = 0
    previous_kind: str = "start"  # start | heading | clause | list
    in_signature: bool = False
    current: Clause | None = None


def parse_number(text: str) -> NumberToken | None:
    """The clause number at the start of ``text``, if any."""
    match = _NUMBER.match(text)
    if not match:
        return None
    length = match.end()
    if match.group("word"):
        word = match.group("word").split()[0].lower()
        return NumberToken(f"word-{word}", match.group("word_id"), False, length)
    if match.group("part"):
        return NumberToken("part", " ".join(match.group("part").rstrip(".:").split()), True, length)
    if match.group("statute"):
        return NumberToken("statute", match.group("statute"), True, length)
    if match.group("dotted"):
        dotted = match.group("dotted")
        if "." not in dotted:
            rest = text[length:].lstrip()
            if (not match.group("dot") and not (rest[:1].isupper() and len(dotted) <= 2)) or _MONTH.match(rest):
                return None
            if match.group("dot") == ")":
                return NumberToken("digit-paren", dotted, False, length)
        return NumberToken("dotted", dotted, True, length, depth=dotted.count(".") + 1)
    if match.group("paren"):
        token = match.group("paren")
        return NumberToken(_paren_scheme(token), token, False, length)
    item = match.group("item")
    scheme = "roman-dot" if _ROMAN.match(item) and len(item) > 1 else ("lower-dot" if item.islower() else "upper-dot")
    return NumberToken(scheme, item, False, length)


def _paren_scheme(token: str) -> str:
    if token.isdigit():
        return "paren-digit"
    if _ROMAN.match(token) and (len(token) > 1 or token in "iIvVxX"):
        return "paren-roman-upper" if token.isupper() else "paren-roman"
    return "paren-upper" if token.isupper() else "paren-lower"


def _resolve_roman(token: NumberToken, stack: list[_Unit]) -> NumberToken:
    """'(i)' after '(h)' is a letter, not a roman numeral; the open list decides."""
    if token.scheme not in ("paren-roman", "paren-roman-upper") or len(token.local) != 1:
        return token
    letter_scheme = "paren-upper" if token.local.isupper() else "paren-lower"
    roman_scheme = token.scheme
    open_schemes = [unit.scheme for unit in stack]
    if roman_scheme in open_schemes:
        return token
    if letter_scheme in open_schemes:
        sibling = next(unit for unit in reversed(stack) if unit.scheme == letter_scheme)
        last = sibling.number.rsplit("(", 1)[-1].rstrip(")")
        if len(last) == 1 and ord(token.local.lower()) == ord(last.lower()) + 1:
            token.scheme = letter_scheme
    return token


def _compose(parent: str, token: NumberToken) -> str:
    if token.absolute or not parent:
        return (
            token.local
            if token.scheme != "dotted"
            or not parent.startswith(("Schedule", "Exhibit", "Annex", "Appendix", "Attachment"))
            else f"{parent.split(',')[0]}, {token.local}"
        )
    if token.scheme.startswith("paren"):
        return f"{parent}({token.local})"
    if token.scheme.startswith("word"):
        return token.local
    return f"{parent}.{token.local}"


def _place(stack: list[_Unit], token: NumberToken) -> tuple[str, int]:
    """Pop the outline stack to where ``token`` belongs; return its full number and depth."""
    if token.scheme == "part":
        stack.clear()
        return token.local, 0
    if token.scheme == "dotted":
        while stack and not (
            stack[-1].scheme == "part"
            or (stack[-1].scheme in ("dotted", "statute") and stack[-1].depth < token.depth)
            or stack[-1].scheme.startswith("word")
        ):
            stack.pop()
    elif any(unit.scheme == token.scheme for unit in stack):
        while stack[-1].scheme != token.scheme:
            stack.pop()
        stack.pop()
    parent = stack[-1].number if stack else ""
    return _compose(parent, token), len(stack)


def looks_like_heading(text: str, following: Block | None = None) -> bool:
    """A short title rather than a sentence: few words, no final full stop, capitalised.

    A line ending in a colon is a title only when a blank line follows it ("Text and Code Use Cases:");
    "Label: value" lines ("Category: Testing") are not titles.
    """
    if following is None or "\n" in text or " | " in text:
        return False
    words = text.split()
    if text.endswith("?"):
        return len(words) <= 20
    if not words or len(words) > 12 or len(text) > 110:
        return False
    if _CHECKBOX.match(text) or _BULLET.match(text):
        return False
    if _BRACKET_TITLE.match(text):
        return True
    first = text[0]
    if not (first.isupper() or first.isdigit() or first in "§"):
        return False
    if re.search(r":\s+\S", text):
        return False
    if text.endswith(":"):
        return not following.continues and len(words) <= 10 and not _SENTENCE_WORDS.search(text)
    if text.endswith((".", ";", ",")):
        # "Pre-Release Software." is still a title: every significant word capitalised, no verb.
        return text.endswith(".") and _title_case(words) and not _SENTENCE_WORDS.search(text) and len(words) <= 6
    return True


def _title_case(words: list[str]) -> bool:
    significant = [w for w in words if len(w) > 3 and w[0].isalpha()]
    return bool(significant) and sum(w[0].isupper() for w in significant) >= 0.75 * len(significant)


def split_inline_heading(body: str) -> tuple[str, str]:
    """'Access and Use.  During ...' -> ('Access and Use', 'During ...'); a sentence stays whole."""
    match = _INLINE_HEADING.match(body)
    if not match:
        return "", body
    heading, rest = match.group("h").strip(), match.group("t")
    words = heading.split()
    if not rest.strip() or len(words) > 8 or _SENTENCE_WORDS.search(heading) or heading.startswith(("“", '"')):
        return "", body
    if len(words) > 1 and not _title_case(words) and not heading.isupper():
        return "", body
    if body[match.end("h")] == ":" and len(words) > 3:
        return "", body
    return heading, rest


class Segmenter:
    """Walks the blocks once, keeping the outline stack and the heading in force."""

    def __init__(self, document: SourceDocument) -> None:
        self.document = document
        self.text = document.text
        self.clauses: list[Clause] = []
        self.state = _State()

    def run(self) -> list[Clause]:
        blocks = self.document.blocks
        for index, block in enumerate(blocks):
            self.state.seq = index
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            self._block(block, following, first=index == 0)
        return self.clauses

    def _block(self, block: Block, following: Block | None, *, first: bool) -> None:
        state = self.state
        start = block.start + (len(block.label) + 1 if block.label else 0)
        numbered_label = block.label is not None and block.label != "•"
        token = _label_token(block) if numbered_label else parse_number(self.text[start : block.end])
        if token is not None and not block.label:
            start += token.length
        body_start = _skip_space(self.text, start, block.end)
        marker = _MARKDOWN_HEADING.match(self.text, body_start, block.end)
        if marker:
            body_start = marker.end()
        body = self.text[body_start : block.end]
        if token is not None or block.kind is BlockKind.HEADING:
            state.in_signature = False
        elif _SIGNATURE_START.match(body):
            state.in_signature = True
        if state.in_signature and token is None and block.kind is not BlockKind.HEADING:
            return
        if _PLACEHOLDERS.match(body) or (
            _SIGNATURE.match(body)
            and (state.previous_kind != "clause" or not block.continues or _SIGNATURE.match(self._previous_line(block)))
        ):
            return
        is_bullet = block.kind is BlockKind.LIST_ITEM or (block.label == "•") or bool(_BULLET.match(body))

        if token is None and block.continues and self._heading_inside_group(block, body, following):
            self._open_heading(body)
            return
        if token is None and (_EMPTY_FIELD.match(body) or (_EMPTY_BLANK.match(body) and ":" in body)):
            return
        if (
            token is None
            and not (block.continues and self._joins_current(block, body, is_bullet))
            and (first or _METADATA.match(body))
            and self._is_title(body, block, first)
        ):
            state.previous_kind = "heading" if first else state.previous_kind
            return
        if token is not None and self._inline_list(block):
            token = None
            is_bullet = True
        if token is not None:
            token = _resolve_roman(token, state.stack)
            number, depth = _place(state.stack, token)
            heading_only = block.kind is BlockKind.HEADING or looks_like_heading(body, following)
            if heading_only or not body:
                heading = body.strip(" .–—-:").strip()
                state.stack.append(_Unit(token.scheme, number, heading, None, token.depth, state.seq))
                state.previous_kind = "heading"
                state.current = None
                return
            heading, text_part = split_inline_heading(body)
            text_start = block.end - len(text_part.lstrip()) if heading else body_start
            clause = self._add(number, heading or self._inherited_heading(), depth, text_start, block.end)
            state.stack.append(_Unit(token.scheme, number, heading, clause, token.depth, state.seq))
            state.previous_kind = "clause"
            return
        if self._joins_current(block, body, is_bullet):
            assert state.current is not None
            state.current.end = block.end
            state.current.text = self.text[state.current.start : block.end]
            state.previous_kind = "list" if is_bullet else "clause"
            return
        if block.kind is BlockKind.HEADING or (
            looks_like_heading(body, following) and not (state.previous_kind == "heading" and block.continues)
        ):
            self._open_heading(body)
            return
        self._add(self._open_number(), self._inherited_heading(), len(state.stack), body_start, block.end)
        state.previous_kind = "list" if is_bullet else "clause"

    def _open_heading(self, body: str) -> None:
        """An unnumbered heading line: it names the clauses below it until the next heading."""
        self.state.heading = body.strip("[]").rstrip(".:").strip()
        self.state.heading_seq = self.state.seq
        self.state.previous_kind = "heading"
        self.state.current = None

    def _is_title(self, body: str, block: Block, first: bool) -> bool:
        if _METADATA.match(body):
            return True
        return first and (block.kind is BlockKind.HEADING or looks_like_heading(body) or len(body) < 80)

    def _previous_line(self, block: Block) -> str:
        line_start = self.text.rfind("\n", 0, max(block.start - 1, 0))
        return self.text[line_start + 1 : max(block.start - 1, 0)].strip()

    def _heading_inside_group(self, block: Block, body: str, following: Block | None) -> bool:
        """A title line in the middle of a paragraph group: the line before it ends a sentence or an option."""
        if self.state.previous_kind == "heading" or not looks_like_heading(body, following):
            return False
        previous = self._previous_line(block)
        return previous.endswith((".", ";", ":", "!", "?", "]", "}", ")", '"', "”")) or bool(_CHECKBOX.match(previous))

    def _inline_list(self, block: Block) -> bool:
        """A numbered list inside an unnumbered paragraph ("... types of processing:" then 1., 2.) is a list,
        not clause numbering."""
        current = self.state.current
        if current is None or current.number or not block.continues or self.state.previous_kind == "heading":
            return False
        return self.state.previous_kind == "list" or current.text.rstrip().endswith(":")

    def _joins_current(self, block: Block, body: str, is_bullet: bool) -> bool:
        """Continuation lines, list items and check-box options belong to the paragraph before them."""
        current = self.state.current
        if current is None or self.state.previous_kind == "heading":
            return False
        if block.continues:
            # Options of a menu each stand alone once the previous option is a full sentence.
            previous = self._previous_line(block)
            return not (_CHECKBOX.match(body) and _CHECKBOX.match(previous) and previous.endswith("."))
        if is_bullet:
            previous_text = self.text[current.start : current.end].rstrip()
            return previous_text.endswith(":") or self.state.previous_kind == "list"
        return False

    def _open_number(self) -> str:
        return self.state.stack[-1].number if self.state.stack else ""

    def _inherited_heading(self) -> str:
        """The nearest enclosing heading: of an open outline unit, or a later unnumbered heading line."""
        unit = next((unit for unit in reversed(self.state.stack) if unit.heading), None)
        if unit is not None and unit.seq > self.state.heading_seq:
            return unit.heading
        return self.state.heading

    def _add(self, number: str, heading: str, level: int, start: int, end: int) -> Clause:
        parent = next((unit.clause.id for unit in reversed(self.state.stack) if unit.clause is not None), None)
        clause = Clause(
            id=f"c{len(self.clauses) + 1}",
            number=number,
            heading=heading,
            level=level,
            parent=parent,
            start=start,
            end=end,
            text=self.text[start:end],
        )
        self.clauses.append(clause)
        self.state.current = clause
        return clause


def _label_token(block: Block) -> NumberToken:
    """The number a format generated for a block (not a bullet); a scheme we do not know is trusted by level."""
    label = block.label or ""
    if block.kind is BlockKind.LIST_ITEM:
        # An item of a numbered list (HTML <ol>) nests under the clause it belongs to.
        return NumberToken(f"list-{block.level or 0}", label.rstrip(".)"), False, len(label))
    # Word's own label in a scheme we do not know ("Step 1:"): trusted, nested by its list level.
    return parse_number(label + " ") or NumberToken(f"level-{block.level or 0}", label.rstrip(".:"), False, len(label))


def _skip_space(text: str, start: int, end: int) -> int:
    while start < end and text[start] in " \t\u00a0":
        start += 1
    return start


def segment(document: SourceDocument) -> list[Clause]:
    """Split a document into clauses; ``document.text[c.start:c.end] == c.text`` for every clause."""
    return Segmenter(document).run()
