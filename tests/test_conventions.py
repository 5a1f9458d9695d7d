"""CLI conventions: -h, -f, -o, -q, --debug after the subcommand, `-` for stdin, README usage blocks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from veilcli import api
from veilcli.cli import app, hoist_global_flags, only_the_command

runner = CliRunner()
README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def invoke(*args: str, stdin: bytes | None = None):  # type: ignore[no-untyped-def]
    hoisted = hoist_global_flags(list(args))
    return runner.invoke(only_the_command(app, hoisted), hoisted, input=stdin)  # as `main` runs it


def test_short_help_and_format(plan_store: tuple[api.Store, Path]) -> None:
    store, plan = plan_store
    assert "Usage:" in invoke("compare", "-h").output
    result = invoke(
        "compare", "--period", "2019H1", "--plan", str(plan), "--store", str(store.root), "-f", "json"
    )
    assert result.exit_code == 0 and json.loads(result.stdout)["period"] == "2019H1"


def test_output_file_holds_what_stdout_would(plan_store: tuple[api.Store, Path], tmp_path: Path) -> None:
    store, plan = plan_store
    common = ["compare", "--period", "2019H1", "--plan", str(plan), "--store", str(store.root), "-f", "csv"]
    printed = invoke(*common).stdout
    out = tmp_path / "compare.csv"
    result = invoke(*common, "-o", str(out), "-q")
    assert result.exit_code == 0 and result.stdout == "" and "written" not in result.output
    assert out.read_text(encoding="utf-8") == printed


def test_debug_and_quiet_after_the_subcommand(tmp_path: Path) -> None:
    assert hoist_global_flags(["compare", "--period", "2019H1", "--debug", "-q"]) == [
        "--debug",
        "-q",
        "compare",
        "--period",
        "2019H1",
    ]
    assert hoist_global_flags(["validate", "--", "--debug"]) == ["validate", "--", "--debug"]
    result = invoke("validate", str(tmp_path / "missing.csv"), "--debug")
    assert result.exit_code == 2 and "Traceback" in result.output


def _names(typer_app: typer.Typer) -> list[str]:
    commands = [
        c.name or c.callback.__name__.replace("_", "-") for c in typer_app.registered_commands if c.callback
    ]
    return commands + [str(g.name) for g in typer_app.registered_groups]


def test_only_the_command_invoked_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _names(only_the_command(app, ["-q", "compare", "--period", "2019H1"])) == ["compare"]
    assert _names(only_the_command(app, ["map", "suggest", "x.csv"])) == ["map"]
    for args in ([], ["--help"], ["-q"], ["comapre"], ["--version"]):
        assert only_the_command(app, args) is app, args  # help lists, a typo is suggested from, all
    monkeypatch.setenv("_VEILCLI_COMPLETE", "complete_bash")
    assert only_the_command(app, ["compare"]) is app  # completion lists every command
    assert len(_names(app)) > 10  # the app itself is left whole


def test_every_command_reads_the_same_alone() -> None:
    """Each command's help, options and errors are the same built alone as in the whole app."""
    for name in _names(app):
        for args in ([name, "--help"], [name, "--no-such-option"]):
            alone, whole = runner.invoke(only_the_command(app, args), args), runner.invoke(app, args)
            assert (alone.exit_code, alone.output) == (whole.exit_code, whole.output), args


def test_stdin_for_validate_and_ingest(tmp_path: Path) -> None:
    data = b"Registratienummer;Datum;Soort misdrijf code;Gemeente\nR1;2019-03-05;1.2.3;Almere\n"
    result = invoke("validate", "-", "--kind", "registrations", "-f", "json", stdin=data)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["files"][0]["rows_valid"] == 1
    store = tmp_path / "store"
    assert invoke("ingest", "-", "--store", str(store), stdin=data).exit_code == 0
    assert api.Store(store).scan(api.Kind.registrations).collect().height == 1


@pytest.mark.parametrize(
    "block", re.findall(r"```\n(veilcli [^\n]*(?:\n +[^\n]*)*)", README), ids=lambda b: b.split()[1]
)
def test_readme_usage_blocks_match_help(block: str) -> None:
    """Every option a README usage line shows is an option of that command."""
    words = block.split()
    command = [w for w in words[1:3] if not w.startswith("-") and w.isalpha() and w.islower()]
    help_text = invoke(*command[:1], *(command[1:2] if command[:1] == ["map"] else []), "--help").output
    for option in re.findall(r"(?<![\w-])(--?[a-z][a-z0-9-]*)", block):
        assert option in help_text, f"{option} of `{block.splitlines()[0]}` is not in its --help"


def test_dimension_option_selects_a_value(tmp_path: Path) -> None:
    """`--dimension NAME=VALUE` reaches the police formats (a table view with an extra dimension)."""
    from tests.test_table_view import VIOLENCE

    path = tmp_path / "83651NED.csv"
    path.write_text(VIOLENCE.format(total="Onbekend"), encoding="utf-8")
    refused = invoke("validate", str(path))
    assert refused.exit_code == 2 and "--dimension" in refused.output
    chosen = invoke("validate", str(path), "--dimension", "Gebruik van geweld=Met geweld", "-f", "json")
    assert chosen.exit_code == 0, chosen.output
    assert json.loads(chosen.stdout)["files"][0]["rows_valid"] >= 1
