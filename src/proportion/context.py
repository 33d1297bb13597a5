"""Deal context: the operational questions that make a risk material in this deal (taxonomy.md section 5).

Unknown answers take stated defaults (those of shared/spec/labeling.md), and every default used is listed under
``assumed`` so the report can say what it took for granted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from proportion.errors import InputError


class Side(StrEnum):
    customer = "customer"
    vendor = "vendor"


class DataClass(StrEnum):
    """What information enters the model, from least to most sensitive."""

    public = "public"
    internal = "internal"
    confidential = "confidential"
    personal = "personal"
    special_category = "special-category"


class Deployment(StrEnum):
    vendor_hosted = "vendor-hosted"
    third_party_provider = "third-party-provider"
    customer_hosted = "customer-hosted"


class Safeguard(StrEnum):
    soc2 = "soc2"
    iso27001 = "iso27001"
    iso42001 = "iso42001"
    zero_retention = "zero-retention"
    training_opt_out = "training-opt-out"


class RegulatoryRole(StrEnum):
    none = "none"
    provider = "provider"
    deployer = "deployer"


class DealContext(BaseModel):
    """One deal's answers. Field order is the order the questions are asked in."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    side: Side = Field(Side.customer, description="Which side we act for.")
    data: DataClass = Field(DataClass.confidential, description="The most sensitive information that enters the model.")
    human_review: bool = Field(True, description="Whether a person reviews AI output before it is used.")
    use: str = Field("", description="What the AI feature is used for, in a few words.")
    critical_output: bool = Field(False, description="Whether decisions that matter rest on the output.")
    deployment: Deployment = Field(Deployment.third_party_provider, description="Who runs the model.")
    safeguards: list[Safeguard] = Field(default_factory=list, description="Safeguards already in place.")
    regulatory_role: RegulatoryRole = Field(RegulatoryRole.none, description="The customer's EU AI Act role.")
    assumed: list[str] = Field(default_factory=list, description="Questions answered by default.")

    def facts(self) -> set[str]:
        """The facts of this deal (names from :data:`FACTS`) that the knowledge base's materiality rules use."""
        return {name for name, holds in FACTS.items() if holds(self)}

    def public(self) -> dict[str, Any]:
        """The context as it appears in the review JSON."""
        return self.model_dump(mode="json")


FACTS: dict[str, Callable[[DealContext], bool]] = {
    "sensitive_data": lambda context: (
        context.data in (DataClass.confidential, DataClass.personal, DataClass.special_category)
    ),
    "personal_data": lambda context: context.data in (DataClass.personal, DataClass.special_category),
    "public_data": lambda context: context.data == DataClass.public,
    "no_human_review": lambda context: not context.human_review,
    "critical_output": lambda context: context.critical_output,
    "third_party_model": lambda context: context.deployment == Deployment.third_party_provider,
    "customer_hosted": lambda context: context.deployment == Deployment.customer_hosted,
    "regulated": lambda context: context.regulatory_role != RegulatoryRole.none,
}
"""Facts a deal context can establish; taxonomy.yaml's materiality rules may name only these."""

QUESTIONS = [name for name in DealContext.model_fields if name != "assumed"]


def build_context(answers: dict[str, Any]) -> DealContext:
    """A context from the answers given (file and flags merged); the questions left open are listed as assumed."""
    given = {key: value for key, value in answers.items() if value is not None}
    unknown = sorted(set(given) - set(QUESTIONS))
    if unknown:
        raise InputError(
            "P140", f"unknown deal-context question(s): {', '.join(unknown)}; see 'proportion context init'"
        )
    try:
        context = DealContext.model_validate(given)
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        raise InputError("P141", f"deal context: {where}: {problem['msg']}") from error
    context.assumed = [question for question in QUESTIONS if question not in given]
    return context


def read_data_file(path: Path, what: str, unreadable: str, invalid: str) -> Any:
    """A YAML or JSON file a user wrote (safe loading only: no tags, no code); ``what`` names it in errors, which
    carry the codes ``unreadable`` (cannot read, not UTF-8) and ``invalid`` (not YAML or JSON)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(unreadable, f"{path}: cannot read the {what} ({error.strerror})") from error
    except UnicodeDecodeError as error:
        raise InputError(unreadable, f"{path}: the {what} is not UTF-8 text") from error
    kind = "JSON" if path.suffix.lower() == ".json" else "YAML"
    try:
        return json.loads(text) if kind == "JSON" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as error:
        raise InputError(invalid, f"{path}: not valid {kind}") from error


def read_context_file(path: Path) -> dict[str, Any]:
    """Answers from a YAML or JSON file."""
    loaded = read_data_file(path, "context file", "P142", "P143")
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise InputError("P143", f"{path}: the context file must be a mapping of questions to answers")
    return loaded


def template() -> str:
    """A commented YAML template that asks the questions in plain words (``proportion context init``)."""
    lines = [
        "# Deal context for proportion. Answer what you know; delete a line to take its default.",
        "# Every default used is listed under 'assumed' at the top of the report.",
        "",
    ]
    for name in QUESTIONS:
        field = DealContext.model_fields[name]
        default = field.get_default(call_default_factory=True)
        annotation = field.annotation
        choices = ""
        if isinstance(annotation, type) and issubclass(annotation, StrEnum):
            choices = f" One of: {', '.join(member.value for member in annotation)}."
        elif name == "safeguards":
            choices = f" Any of: {', '.join(member.value for member in Safeguard)}."
        lines.append(f"# {field.description}{choices}")
        lines.append(yaml.safe_dump({name: _plain(default)}, sort_keys=False).strip())
        lines.append("")
    return "\n".join(lines)


def _plain(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return value.value
    return value
