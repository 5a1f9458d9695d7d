"""The HTML reports' templates (``*.html.j2`` beside this file) and the one Jinja environment that
renders them.

Autoescape is on for every template, so a value reaches the page as text unless it is marked safe:
the only values marked safe are the inline CSS written in this package and the SVG that
``svg.py``/``map_svg.py`` build with their own escaping (each marked where it is passed, with a
comment saying so). ``StrictUndefined``: a name the view-model does not give is an error, not an
empty string. The templates are package data (the wheel ships them with the package), found through
``importlib.resources``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@dataclass(frozen=True)
class Badge:
    """A status as a coloured badge: its CSS class and its words."""

    css: str
    words: str


@dataclass(frozen=True)
class Cell:
    """One table cell: its class (None: no class attribute), its text, or a badge, or a link."""

    css: str | None = None
    text: str = ""
    badge: Badge | None = None
    href: str | None = None


@cache
def environment() -> Environment:
    """The environment of the report templates (built once)."""
    return Environment(
        loader=PackageLoader("veilcli.report", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2", "j2"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(name: str, **context: Any) -> str:
    """A template of this folder rendered with ``context``."""
    return environment().get_template(name).render(**context)
