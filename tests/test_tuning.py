"""The allocator tuning: the command line does it before polars loads; importing the library never."""

from __future__ import annotations

import os
import subprocess
import sys

from veilcli.tuning import JEMALLOC_CONF


def _python(code: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("_RJEM_MALLOC_CONF", "MALLOC_ARENA_MAX")}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)


def test_importing_the_library_leaves_the_allocators_alone() -> None:
    _python(
        "import os, veilcli, veilcli.api, veilcli.sources\n"
        f"assert os.environ.get('_RJEM_MALLOC_CONF') != {JEMALLOC_CONF!r}\n"
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
