"""``python -m veilcli``."""

from veilcli.cli import main

main()
