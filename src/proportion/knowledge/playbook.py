"""The playbook: for each risk category, a ladder of negotiating positions with clause language of our own drafting.

A ladder runs from the position most protective of the customer to the one most protective of the vendor. Each
position says when it is proportionate (facts of the deal context, the names of ``proportion.context.FACTS``);
a side's *target* is the proportionate position nearest its own end of the ladder, and its *fallbacks* are the
other proportionate positions, in the order it would concede them. The language is a template: ``{provider}``,
``{customer_data}`` and the other variables of ``variables.yaml`` become the agreement's own defined terms, and
``{section:CATEGORY}`` the number of the clause that governs that category.

A user's playbook (``--playbook FILE``) has the same shape and is validated by the same schema: a category it
names replaces the default's fields it gives; a position whose id the default has replaces that position in place,
and a new position is inserted before the one named by ``before`` (or at the vendor end).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError, model_validator

from proportion.context import read_data_file
from proportion.errors import InputError
from proportion.knowledge import CONTEXT_FACTS, Strict, taxonomy

_PLACEHOLDER = re.compile(r"\{([a-z_]+)(?::([a-z-]+))?\}")
SECTION = "section"
"""``{section:CATEGORY}``: the reference to the clause governing a category."""
BUILTIN = {
    "evidence": "the words of the agreement a finding points at (for a rule's own edit language)",
    "definitions": "an undefined-term rule's definitions of the terms the agreement leaves undefined",
}


class Source(Strict):
    """A public standard we cite by reference (never copy): where a position comes from or what it answers."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str
    reference: str
    licence: str


class Variable(Strict):
    """A name the language uses for something the agreement itself usually defines (a party, its data)."""

    means: str
    candidates: list[str] = Field(min_length=1)
    """Defined terms that name it, in order of preference; the first the agreement defines is used."""
    fallback: str
    """The words used when the agreement defines none of the candidates."""


class Position(Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    summary: str
    """The position in one line, as a lawyer would state it across the table."""
    heading: str
    """The heading of the clause when the language is added as a new clause."""
    language: str
    """Clause language for the position, of our own drafting, with variables."""
    amendment: str = ""
    """A sentence that, appended to an existing clause, brings it to this position (a carve-out, a notice period)."""
    proportionate_when: list[str] = Field(default_factory=list)
    """Proportionate when any of these deal facts holds; empty means in any deal (unless ``not_when`` holds)."""
    not_when: list[str] = Field(default_factory=list)
    """Not proportionate when any of these deal facts holds."""
    sources: list[str] = Field(default_factory=list)
    before: str = ""
    """In a user's playbook only: insert this new position before the default's position of this id."""

    def proportionate(self, facts: set[str]) -> bool:
        return (not self.proportionate_when or bool(facts & set(self.proportionate_when))) and not (
            facts & set(self.not_when)
        )


class CategoryPlaybook(Strict):
    category: str
    ladder: list[Position] = Field(min_length=2)
    """Strict for the customer first, permissive (protective of the vendor) last."""
    questions: list[str] = Field(min_length=1)
    """Operational questions to put to the other side: the facts that decide what is proportionate."""

    def position(self, identifier: str) -> Position:
        found = next((position for position in self.ladder if position.id == identifier), None)
        if found is None:
            raise KeyError(f"{self.category}: no position {identifier!r}")
        return found

    def rank(self, identifier: str) -> int:
        """0 at the customer end of the ladder."""
        return [position.id for position in self.ladder].index(identifier)

    def proportionate(self, facts: set[str]) -> list[Position]:
        """The positions proportionate in a deal with these facts, customer end first (never empty)."""
        found = [position for position in self.ladder if position.proportionate(facts)]
        return found or [self.ladder[len(self.ladder) // 2]]

    def target(self, side: str, facts: set[str]) -> Position:
        """The proportionate position nearest the side's own end of the ladder."""
        candidates = self.proportionate(facts)
        return candidates[0] if side == "customer" else candidates[-1]

    def fallbacks(self, side: str, facts: set[str]) -> list[Position]:
        """The other proportionate positions, in the order the side would concede them."""
        candidates = self.proportionate(facts)
        return candidates[1:] if side == "customer" else candidates[-2::-1]

    def middle(self, facts: set[str]) -> Position:
        """The proportionate middle: what a neutral would propose for the deal."""
        candidates = self.proportionate(facts)
        return candidates[(len(candidates) - 1) // 2]


class Playbook(Strict):
    variables: dict[str, Variable]
    sources: list[Source]
    categories: dict[str, CategoryPlaybook]

    @model_validator(mode="after")
    def _check(self) -> Playbook:
        known_sources = {source.id for source in self.sources}
        problems = []
        for key, book in self.categories.items():
            if key != book.category:
                problems.append(f"{key}: the entry is keyed {key!r} but names category {book.category!r}")
            ids = [position.id for position in book.ladder]
            if len(set(ids)) != len(ids):
                problems.append(f"{key}: position ids repeat")
            for position in book.ladder:
                where = f"{key}/{position.id}"
                if unknown := sorted(set(position.proportionate_when + position.not_when) - CONTEXT_FACTS):
                    problems.append(f"{where}: unknown deal facts {unknown}; known: {sorted(CONTEXT_FACTS)}")
                if unknown := sorted(set(position.sources) - known_sources):
                    problems.append(f"{where}: unknown sources {unknown}")
                for text in (position.language, position.amendment, position.heading):
                    problems += [f"{where}: {problem}" for problem in self.template_problems(text)]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def template_problems(self, text: str) -> list[str]:
        """What is wrong with the placeholders of a piece of language (unknown variables or categories)."""
        problems = []
        for name, argument in _PLACEHOLDER.findall(text):
            if name == SECTION:
                if argument not in taxonomy().category_ids:
                    problems.append(f"'{{section:{argument}}}' names no category")
            elif (name not in self.variables and name not in BUILTIN) or argument:
                problems.append(f"unknown variable '{{{name}}}'; known: {sorted(self.variables)}")
        if "{" in (rest := _PLACEHOLDER.sub("", text)) or "}" in rest:
            problems.append("a brace that is not part of a {variable}")
        return problems

    def category(self, identifier: str) -> CategoryPlaybook:
        return self.categories[identifier]

    def extended(self, user: dict[str, Any]) -> Playbook:
        """This playbook with a user's playbook laid over it (see the module docstring)."""
        _check_shape(user)
        merged: dict[str, Any] = self.model_dump()
        merged["variables"].update(user.get("variables") or {})
        known = {source["id"]: source for source in merged["sources"]}
        known.update({source["id"]: source for source in user.get("sources") or []})
        merged["sources"] = list(known.values())
        for entry in user.get("categories") or []:
            identifier = entry.get("category")
            if identifier not in merged["categories"]:
                raise ValueError(f"category {identifier!r} is not in the taxonomy")
            base = merged["categories"][identifier]
            for field, value in entry.items():
                if field != "ladder":
                    base[field] = value
            for position in entry.get("ladder") or []:
                _place(base["ladder"], position)
        return Playbook.model_validate(merged)


def _check_shape(user: dict[str, Any]) -> None:
    """The nesting a user's playbook must have before it can be laid over the default (the schema checks the rest)."""

    def mappings(value: Any) -> bool:
        return isinstance(value, list) and all(isinstance(item, dict) for item in value)

    if not isinstance(user.get("variables") or {}, dict):
        raise ValueError("'variables' is a mapping of variable names to {means, candidates, fallback}")
    if not mappings(user.get("sources") or []) or any("id" not in source for source in user.get("sources") or []):
        raise ValueError("'sources' is a list of sources, each a mapping with an 'id'")
    if not mappings(user.get("categories") or []):
        raise ValueError("'categories' is a list of entries, each a mapping with a 'category' and its 'ladder'")
    for entry in user.get("categories") or []:
        if not mappings(entry.get("ladder") or []):
            raise ValueError(f"{entry.get('category')}: 'ladder' is a list of positions, each a mapping")


def _place(ladder: list[dict[str, Any]], position: dict[str, Any]) -> None:
    ids = [existing["id"] for existing in ladder]
    if position.get("id") in ids:
        ladder[ids.index(position["id"])] = {**ladder[ids.index(position["id"])], **position, "before": ""}
        return
    before = position.get("before", "")
    if before and before not in ids:
        raise ValueError(f"position {position.get('id')!r}: 'before: {before}' names no position")
    ladder.insert(ids.index(before) if before else len(ladder), {**position, "before": ""})


def _folder() -> resources.abc.Traversable:
    return resources.files(__package__).joinpath("playbook")


@cache
def default_playbook() -> Playbook:
    """The shipped playbook: ``variables.yaml``, ``sources.yaml`` and one ``CATEGORY.yaml`` per category."""
    folder = _folder()
    categories = {}
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".yaml") and entry.name not in ("variables.yaml", "sources.yaml"):
            record = yaml.safe_load(entry.read_text(encoding="utf-8"))
            categories[entry.name.removesuffix(".yaml")] = record
    playbook = Playbook.model_validate(
        {
            "variables": yaml.safe_load(folder.joinpath("variables.yaml").read_text(encoding="utf-8")),
            "sources": yaml.safe_load(folder.joinpath("sources.yaml").read_text(encoding="utf-8")),
            "categories": categories,
        }
    )
    if missing := sorted(set(taxonomy().category_ids) - set(playbook.categories)):
        raise ValueError(f"the playbook has no ladder for {missing}")
    return playbook


def load_playbook(path: Path | None) -> Playbook:
    """The default playbook, extended by a user's playbook file when one is given (errors are P150-P152)."""
    if path is None:
        return default_playbook()
    record = read_data_file(path, "playbook", "P150", "P151")
    if not isinstance(record, dict):
        raise InputError("P151", f"{path}: a playbook is a mapping with 'categories' (see 'proportion playbook')")
    try:
        return default_playbook().extended(record)
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        raise InputError("P152", f"{path}: {where}: {problem['msg']}".replace(": : ", ": ")) from error
    except ValueError as error:
        raise InputError("P152", f"{path}: {error}") from error


def starter(category: str) -> str:
    """A user's playbook to start from: how overrides work, and the default ladder of one category to edit."""
    book = default_playbook().category(category)
    entry = book.model_dump(exclude_defaults=False)
    for position in entry["ladder"]:
        position.pop("before", None)
    header = [
        "# Your playbook, laid over proportion's default: proportion review FILE --playbook THIS_FILE",
        "# - A category you list replaces the default's fields you give (questions, say).",
        "# - A position whose id the default has replaces that position in place; a new id is added at the vendor",
        "#   end, or before the position named by 'before:'. The ladder runs from the customer's end to the vendor's.",
        "# - Language may use {provider}, {customer}, {customer_data}, {inputs}, {outputs}, {ai_features},",
        "#   {personal_data}, {agreement}, {model_provider} and {section:CATEGORY}; 'proportion playbook --schema'",
        "#   prints the JSON Schema, and a mistake is reported with the field it is in.",
        f"# Below: the default ladder for {category}, to edit or cut down to the positions you change.",
        "",
    ]
    body = yaml.safe_dump({"categories": [entry]}, sort_keys=False, allow_unicode=True, width=110)
    return "\n".join(header) + body


def user_schema() -> dict[str, Any]:
    """JSON Schema for a user's playbook file, for editors: every field optional but a category's id."""
    schema = Playbook.model_json_schema()
    schema["title"] = "proportion playbook"
    schema["properties"]["categories"] = {"type": "array", "items": {"$ref": "#/$defs/CategoryPlaybook"}}
    schema["required"] = []
    schema["$defs"]["CategoryPlaybook"]["required"] = ["category"]
    return schema
