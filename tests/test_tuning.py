"""The allocator and collector tuning: the command line does it before polars loads (the collector's
before the command line's own imports); importing the library never."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from veilcli.tuning import COLLECTOR_THRESHOLDS, JEMALLOC_CONF

ROOT = Path(__file__).resolve().parents[1]


def _python(code: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("_RJEM_MALLOC_CONF", "MALLOC_ARENA_MAX")}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)


def test_importing_the_library_leaves_the_allocators_and_the_collector_alone() -> None:
    _python(
        "import gc, os\n"
        "before = gc.get_threshold()\n"
        "import veilcli, veilcli.api, veilcli.sources, veilcli.cli, veilcli.__main__\n"
        f"assert os.environ.get('_RJEM_MALLOC_CONF') != {JEMALLOC_CONF!r}\n"
        "assert gc.get_threshold() == before, gc.get_threshold()\n"
    )


def test_the_console_script_tunes_the_collector_before_the_command_line_is_imported() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["veilcli"] == "veilcli.__main__:main"
    _python(
        "import gc, sys\n"
        "seen = []\n"
        "class Watch:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'veilcli.cli':\n"
        "            seen.append(gc.get_threshold())\n"
        "sys.meta_path.insert(0, Watch())\n"
        "from veilcli.__main__ import main\n"
        "sys.argv = ['veilcli', '--version']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        f"assert seen == [{COLLECTOR_THRESHOLDS!r}], seen\n"
    )


def test_the_cli_tunes_the_allocators_before_polars_loads() -> None:
    _python(
        "import os, sys\n"
        "import veilcli.cli\n"
        "assert 'polars' not in sys.modules  # jemalloc reads its settings when polars loads\n"
        "sys.argv = ['veilcli', '--version']\n"
        "try:\n"
        "    veilcli.cli.main()\n"
        "except SystemExit:\n"
        "    pass\n"
        f"assert os.environ['_RJEM_MALLOC_CONF'] == {JEMALLOC_CONF!r}\n"
    )


def test_the_cli_sets_its_objects_aside_before_the_exit_collection() -> None:
    _python(
        "import gc, sys\n"
        "import veilcli.cli\n"
        "sys.argv = ['veilcli', '--version']\n"
        "assert gc.get_freeze_count() == 0\n"
        "try:\n"
        "    veilcli.cli.main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "assert gc.get_freeze_count() > 0\n"
    )
