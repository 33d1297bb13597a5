"""Word automatic numbering, resolved from ``numbering.xml`` and ``styles.xml`` as Word displays it.

A numbered paragraph in a DOCX carries no number in its text: Word computes "1.", "1.1" or "(a)" from the
list definition (``w:abstractNum`` levels with ``w:numFmt``, ``w:lvlText`` and ``w:start``), the list
instance (``w:num``, possibly with ``w:lvlOverride/w:startOverride``) and the paragraph's level, which may
come from the paragraph itself or from its style (style-linked numbering, usual for "Heading 1").
Counting is per abstract list, as in Word; a level restarts when a higher level is used unless
``w:lvlRestart`` says otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PLACEHOLDER = re.compile(r"%([1-9])")


def _val(element: etree._Element | None, default: str | None = None) -> str | None:
    if element is None:
        return default
    return element.get(f"{W}val", default)


def _int(element: etree._Element | None, default: int) -> int:
    value = _val(element)
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


@dataclass(slots=True)
class Level:
    start: int = 1
    num_format: str = "decimal"
    text: str = "%1."
    restart: int | None = None  # w:lvlRestart: restart after this (1-based) level; 0 = never
    legal: bool = False  # w:isLgl: show every level's number as decimal
    style: str | None = None  # w:pStyle: the paragraph style linked to this level


@dataclass(slots=True)
class AbstractList:
    levels: dict[int, Level] = field(default_factory=dict)
    style_link: str | None = None  # w:numStyleLink: the real definition is in a numbering style


@dataclass(slots=True)
class ListInstance:
    abstract_id: str
    overrides: dict[int, Level | int] = field(default_factory=dict)


@dataclass(slots=True)
class StyleInfo:
    name: str
    based_on: str | None
    num_id: str | None
    ilvl: int | None
    outline_level: int | None


def roman(number: int) -> str:
    numerals = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ]
    out = []
    for value, letters in numerals:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def letter(number: int) -> str:
    """Word's letter sequence: a..z, then aa..zz, aaa..."""
    if number <= 0:
        return ""
    repeat, index = divmod(number - 1, 26)
    return chr(ord("a") + index) * (repeat + 1)


_FORMATTERS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda number: f"{number:02d}",
    "lowerLetter": letter,
    "upperLetter": lambda number: letter(number).upper(),
    "lowerRoman": roman,
    "upperRoman": lambda number: roman(number).upper(),
    "none": lambda number: "",
}


def format_number(number: int, num_format: str) -> str:
    """A counter shown in a Word number format (unknown formats fall back to decimal, as Word does)."""
    return _FORMATTERS.get(num_format, str)(number)


def _parse_level(lvl: etree._Element) -> Level:
    restart = lvl.find(f"{W}lvlRestart")
    legal = lvl.find(f"{W}isLgl")
    return Level(
        start=_int(lvl.find(f"{W}start"), 1),
        num_format=_val(lvl.find(f"{W}numFmt"), "decimal") or "decimal",
        text=_val(lvl.find(f"{W}lvlText"), "") or "",
        restart=_int(restart, 0) if restart is not None else None,
        legal=legal is not None and _val(legal, "1") not in ("0", "false"),
        style=_val(lvl.find(f"{W}pStyle")),
    )


class StyleSheet:
    """Paragraph styles with their ``basedOn`` chain: names, linked numbering and outline levels."""

    def __init__(self, styles_root: etree._Element | None) -> None:
        self.styles: dict[str, StyleInfo] = {}
        self.default_paragraph_style: str | None = None
        self._numbering: dict[str | None, tuple[str | None, int | None]] = {}
        self._outline: dict[str | None, int | None] = {}
        if styles_root is None:
            return
        for style in styles_root.iter(f"{W}style"):
            style_id = style.get(f"{W}styleId")
            if not style_id:
                continue
            ppr = style.find(f"{W}pPr")
            num_pr = ppr.find(f"{W}numPr") if ppr is not None else None
            outline = ppr.find(f"{W}outlineLvl") if ppr is not None else None
            ilvl = num_pr.find(f"{W}ilvl") if num_pr is not None else None
            self.styles[style_id] = StyleInfo(
                name=(_val(style.find(f"{W}name"), style_id) or style_id),
                based_on=_val(style.find(f"{W}basedOn")),
                num_id=_val(num_pr.find(f"{W}numId")) if num_pr is not None else None,
                ilvl=_int(ilvl, 0) if ilvl is not None else None,
                outline_level=_int(outline, 9) if outline is not None else None,
            )
            if style.get(f"{W}type") == "paragraph" and style.get(f"{W}default") in ("1", "true"):
                self.default_paragraph_style = style_id

    def chain(self, style_id: str | None) -> list[StyleInfo]:
        """The style and its ancestors, nearest first (cycles cut)."""
        seen: set[str] = set()
        out: list[StyleInfo] = []
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            info = self.styles[style_id]
            out.append(info)
            style_id = info.based_on
        return out

    def name(self, style_id: str | None) -> str:
        info = self.styles.get(style_id or "")
        return info.name if info else (style_id or "")

    def outline_level(self, style_id: str | None) -> int | None:
        if style_id not in self._outline:
            self._outline[style_id] = self._find_outline_level(style_id)
        return self._outline[style_id]

    def _find_outline_level(self, style_id: str | None) -> int | None:
        for info in self.chain(style_id):
            if info.outline_level is not None:
                return info.outline_level if info.outline_level < 9 else None
        return None

    def numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        """The (numId, ilvl) a style links to through its chain, if any (cached: styles do not change)."""
        if style_id not in self._numbering:
            self._numbering[style_id] = self._find_numbering(style_id)
        return self._numbering[style_id]

    def _find_numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        for info in self.chain(style_id):
            if info.num_id is not None:
                return info.num_id, info.ilvl
        return None, None


class Numbering:
    """Computes the label of each numbered paragraph, in document order (it keeps the running counters)."""

    def __init__(self, numbering_root: etree._Element | None, styles: StyleSheet) -> None:
        self.styles = styles
        self.abstracts: dict[str, AbstractList] = {}
        self.instances: dict[str, ListInstance] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self._started_instances: set[str] = set()
        if numbering_root is None:
            return
        for abstract in numbering_root.iter(f"{W}abstractNum"):
            definition = AbstractList(style_link=_val(abstract.find(f"{W}numStyleLink")))
            for lvl in abstract.findall(f"{W}lvl"):
                definition.levels[_int_attr(lvl, "ilvl")] = _parse_level(lvl)
            self.abstracts[abstract.get(f"{W}abstractNumId", "")] = definition
        for num in numbering_root.iter(f"{W}num"):
            instance = ListInstance(_val(num.find(f"{W}abstractNumId"), "") or "")
            for override in num.findall(f"{W}lvlOverride"):
                ilvl = _int_attr(override, "ilvl")
                override_level = override.find(f"{W}lvl")
                start = override.find(f"{W}startOverride")
                if override_level is not None:
                    instance.overrides[ilvl] = _parse_level(override_level)
                elif start is not None:
                    instance.overrides[ilvl] = _int(start, 1)
            self.instances[num.get(f"{W}numId", "")] = instance

    def _abstract_id(self, num_id: str) -> str | None:
        instance = self.instances.get(num_id)
        if instance is None:
            return None
        abstract_id = instance.abstract_id
        abstract = self.abstracts.get(abstract_id)
        if abstract is not None and abstract.style_link:
            # The list points to a numbering style, whose numPr names the list that holds the levels.
            linked_num, _ = self.styles.numbering(abstract.style_link)
            linked = self.instances.get(linked_num or "")
            if linked is not None and linked.abstract_id in self.abstracts:
                return linked.abstract_id
        return abstract_id if abstract_id in self.abstracts else None

    def _level(self, num_id: str, abstract_id: str, ilvl: int) -> Level | None:
        override = self.instances[num_id].overrides.get(ilvl)
        if isinstance(override, Level):
            return override
        return self.abstracts[abstract_id].levels.get(ilvl)

    def paragraph_numbering(self, ppr: etree._Element | None, style_id: str | None) -> tuple[str | None, int]:
        """The (numId, ilvl) that applies to a paragraph: its own numPr wins over its style's."""
        num_id: str | None = None
        ilvl: int | None = None
        num_pr = ppr.find(f"{W}numPr") if ppr is not None else None
        if num_pr is not None:
            num_id = _val(num_pr.find(f"{W}numId"))
            ilvl_el = num_pr.find(f"{W}ilvl")
            ilvl = _int(ilvl_el, 0) if ilvl_el is not None else None
        if num_id is None:
            num_id, style_ilvl = self.styles.numbering(style_id)
            ilvl = ilvl if ilvl is not None else style_ilvl
        if num_id is not None and ilvl is None:
            ilvl = self._style_level(num_id, style_id)
        return num_id, ilvl or 0

    def _style_level(self, num_id: str, style_id: str | None) -> int:
        """A style-linked paragraph takes the level whose w:pStyle names its style."""
        abstract_id = self._abstract_id(num_id)
        if abstract_id is None or style_id is None:
            return 0
        for ilvl, level in self.abstracts[abstract_id].levels.items():
            if level.style == style_id:
                return ilvl
        return 0

    def label(self, num_id: str | None, ilvl: int) -> tuple[str | None, str | None]:
        """Advance the counters for one numbered paragraph; return (label, number format of its level)."""
        if not num_id or num_id == "0":
            return None, None
        abstract_id = self._abstract_id(num_id)
        if abstract_id is None:
            return None, None
        level = self._level(num_id, abstract_id, ilvl)
        if level is None:
            return None, None
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self._started_instances:
            self._started_instances.add(num_id)
            for override_level, override in self.instances[num_id].overrides.items():
                if isinstance(override, int):
                    counters[override_level] = override - 1
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [d for d in counters if d > ilvl]:
            deeper_level = self._level(num_id, abstract_id, deeper)
            restart_after = deeper_level.restart if deeper_level and deeper_level.restart is not None else deeper
            if restart_after != 0 and ilvl < restart_after:
                del counters[deeper]
        if level.num_format == "bullet":
            return "•", "bullet"
        return self._render(num_id, abstract_id, level, counters), level.num_format

    def _render(self, num_id: str, abstract_id: str, level: Level, counters: dict[int, int]) -> str:
        def substitute(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            shown = self._level(num_id, abstract_id, index) or Level()
            value = counters.get(index, shown.start)
            num_format = "decimal" if level.legal and shown.num_format != "none" else shown.num_format
            return format_number(value, num_format)

        return _PLACEHOLDER.sub(substitute, level.text).strip()


def _int_attr(element: etree._Element, name: str) -> int:
    try:
        return int(element.get(f"{W}{name}", "0"))
    except ValueError:
        return 0
