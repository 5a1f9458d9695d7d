"""The closed sets of choices a verb takes (light: the CLI imports them to declare its options)."""

from __future__ import annotations

from enum import StrEnum

# The ranges of the integer options that read files (light here, like the choices: the CLI declares
# its options with them). A header row lies on a worksheet, at most its last row; findings shown
# per kind (``--max-per-kind``) beyond every row limit mean "all" (larger numbers overflowed polars).
MAX_HEADER_ROW = 1_048_576
MAX_PER_CODE = 1_000_000_000
ALL = "all"  # --area all: the league of every municipality the store holds


class Kind(StrEnum):
    """The dataset kinds veilcli stores."""

    registrations = "registrations"
    suspects = "suspects"
    counts = "counts"
    population = "population"
    survey = "survey"  # resident-survey figures (Veiligheidsmonitor): percentages and scores


class CompareBy(StrEnum):
    """Rows of `compare`: the area, or the area and its districts."""

    area = "area"
    district = "district"


class NormaliseBy(StrEnum):
    """Rows of `normalise`: per category, or per district and category."""

    category = "category"
    district = "district"


class Territory(StrEnum):
    """Which territory a municipality is compared on when a merger lies in the comparison.

    ``auto``: the territory of the time when baseline and period lie on the same side of every
    merger, else the territory at the end of the comparison (the merged members added up in the
    periods before the merger); ``then``: every period on the territory of its own time, nothing
    added up; ``today``: every period on today's territory (every later merger added up).
    """

    auto = "auto"
    then = "then"
    today = "today"
