"""``python -m veilcli`` and the ``veilcli`` console script."""


def main() -> None:
    """Run the command line, with the garbage collector tuned before the command line's imports."""
    from veilcli.tuning import tune_collector

    tune_collector()  # before importing the command line: its imports create most of the objects
    from veilcli.cli import main as run

    run()


if __name__ == "__main__":
    main()
