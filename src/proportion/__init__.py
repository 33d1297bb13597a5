"""proportion: negotiate technology and AI agreements with proportion.

Importing the package opens no file and loads no model; the public API is :func:`review`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["__version__", "review"]

if TYPE_CHECKING:
    from proportion.pipeline import review


def __getattr__(name: str) -> Any:
    if name == "review":
        from proportion.pipeline import review

        return review
    raise AttributeError(name)
