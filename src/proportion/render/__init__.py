"""Render: a Review -> the user's chosen format. Renderers are registered by format name.

A renderer returns text, bytes, or a rich renderable (the terminal report, printed in colour on a terminal
and as plain text into a file).
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import RenderableType

from proportion.models import Review
from proportion.render.json import render_json
from proportion.render.text import render_text

Rendered = str | bytes | RenderableType
Renderer = Callable[[Review], Rendered]

RENDERERS: dict[str, Renderer] = {
    "text": render_text,
    "json": render_json,
}
