"""The HTML reports' templates: shipped as package data, escaping by default, strict about names."""

from __future__ import annotations

from importlib.resources import files

import pytest
from jinja2 import UndefinedError
from markupsafe import Markup

from veilcli.report.templates import environment, render

TEMPLATES = ("report.html.j2", "league.html.j2", "macros.html.j2", "districts.html.j2")


def test_the_templates_are_found_as_package_resources() -> None:
    folder = files("veilcli.report.templates")
    found = {entry.name for entry in folder.iterdir() if entry.name.endswith(".html.j2")}
    assert found == set(TEMPLATES)
    for name in TEMPLATES:
        assert folder.joinpath(name).read_text(encoding="utf-8").strip()
        environment().get_template(name)  # parses


def test_values_are_escaped_unless_marked_safe() -> None:
    env = environment()
    template = env.from_string("<p title='{{ a }}'>{{ a }}</p>{{ b }}")
    shown = template.render(a="<script>x</script> & 'q'", b=Markup("<svg></svg>"))
    assert shown == (
        "<p title='&lt;script&gt;x&lt;/script&gt; &amp; &#39;q&#39;'>"
        "&lt;script&gt;x&lt;/script&gt; &amp; &#39;q&#39;</p><svg></svg>"
    )
    assert env.autoescape("report.html.j2") is True  # type: ignore[operator]


def test_a_name_the_view_model_does_not_give_is_an_error() -> None:
    with pytest.raises(UndefinedError):
        render("report.html.j2", lang="nl")
