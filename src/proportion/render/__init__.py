"""Render: a Review -> the user's chosen format. Renderers are registered by format name.

A renderer returns text, bytes, or a rich renderable (the terminal report, printed in colour on a terminal
and as plain text into a file). :class:`RenderOptions` carries what only some renderers need: the agreement's
own bytes (the redline edits the original DOCX) and the name the tracked changes are signed with.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.console import RenderableType

from proportion.knowledge.playbook import Playbook, default_playbook
from proportion.models import Review
from proportion.render.docx import Signature, comment_notes, redline
from proportion.render.json import render_json
from proportion.render.memo import render_html, render_markdown
from proportion.render.text import render_text

Rendered = str | bytes | RenderableType


@dataclass(frozen=True, slots=True)
class RenderOptions:
    source: bytes | None = None
    signature: Signature | None = None
    playbook: Playbook | None = None
    comments: str = "external"
    """For the DOCX redline: ``external``, ``internal`` or ``none`` (``render.docx.comment_notes``)."""


def _render_docx(review: Review, options: RenderOptions) -> bytes:
    notes = comment_notes(options.comments, review, options.playbook or default_playbook())
    return redline(review, options.source, options.signature, notes)


Renderer = Callable[[Review, RenderOptions], Rendered]

RENDERERS: dict[str, Renderer] = {
    "text": lambda review, _: render_text(review),
    "json": lambda review, _: render_json(review),
    "docx": _render_docx,
    "markdown": lambda review, options: render_markdown(review, options.playbook or default_playbook()),
    "html": lambda review, options: render_html(review, options.playbook or default_playbook()),
}
