"""Resource limits for reading input, with documented defaults, each overridable by an environment
variable (README, 'Reading files'), and the one message that says a limit was passed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from veilcli.errors import InputError, UsageError
from veilcli.sources.messages import display_path, short

KIB, MIB, GIB = 1 << 10, 1 << 20, 1 << 30


@dataclass(frozen=True)
class Limit:
    """A resource limit with a documented default, overridable by an environment variable."""

    env: str
    default: int
    unit: str  # what is counted, for messages: "bytes", "rows", ...
    description: str
    minimum: int = 1
    maximum: int | None = None  # None: no upper bound

    def value(self) -> int:
        """The limit in force: the environment variable when set, else the default; a value that
        is not a whole number from ``minimum`` to ``maximum`` is a usage error."""
        raw = os.environ.get(self.env, "").strip()
        if not raw:
            return self.default
        try:
            value = int(raw.replace("_", ""))
        except ValueError:
            value = 0
        if value <= 0:
            raise UsageError(
                f"{self.env}={short(raw)!r}: not a positive whole number.",
                hint=f"{self.description}; the default is {self.default:,} ({self.default}).",
            )
        if value < self.minimum or (self.maximum is not None and value > self.maximum):
            top = f"{self.maximum:,}" if self.maximum is not None else "any"
            raise UsageError(
                f"{self.env}={short(raw)!r}: outside {self.minimum:,} to {top} {self.unit}.",
                hint=f"{self.description}; the default is {self.default:,} ({self.default}).",
            )
        return value


MAX_FILE_BYTES = Limit(
    "VEILCLI_MAX_FILE_BYTES", 2 * GIB, "bytes", "size of one csv/txt/tsv, xlsx or Parquet file"
)
MAX_JSON_BYTES = Limit(
    "VEILCLI_MAX_JSON_BYTES", 256 * MIB, "bytes", "size of one JSON file (parsing takes ~10x)"
)
MAX_ROWS = Limit("VEILCLI_MAX_ROWS", 10_000_000, "rows", "data rows (lines) in one file or sheet")
MAX_COLUMNS = Limit("VEILCLI_MAX_COLUMNS", 2_000, "columns", "columns in one file or sheet")
MAX_CELLS = Limit("VEILCLI_MAX_CELLS", 20_000_000, "cells", "rows x columns in one csv, json or Parquet file")
MAX_XLSX_CELLS = Limit(
    "VEILCLI_MAX_XLSX_CELLS",
    12_000_000,
    "cells",
    "rows x columns of one sheet (calamine takes ~100 bytes a cell)",
)
MAX_XLSX_ENTRIES = Limit("VEILCLI_MAX_XLSX_ENTRIES", 10_000, "entries", "entries (parts) in an xlsx zip")
MAX_XLSX_UNCOMPRESSED = Limit(
    "VEILCLI_MAX_XLSX_UNCOMPRESSED", 1 * GIB, "bytes", "uncompressed size of all the parts of an xlsx"
)
MAX_XLSX_RATIO = Limit(
    "VEILCLI_MAX_XLSX_RATIO", 100, "times", "how many times an xlsx part of 10 MB+ may inflate"
)
# Reading a large CSV in blocks (``csv_stream``). A block may be as small as 64 bytes (tests use
# tiny blocks) but no file is cut into more than ``csv_stream.MAX_BLOCKS`` blocks; a block of more
# than 2 GiB is a file read whole. A threshold past 512 GiB (the largest file read in blocks) is
# a typing error.
STREAM_FROM = Limit(
    "VEILCLI_STREAM_BYTES",
    256 * MIB,
    "bytes",
    "size above which a CSV is read in blocks (streaming)",
    maximum=512 * GIB,
)
MAX_STREAM_BYTES = Limit("VEILCLI_MAX_STREAM_BYTES", 512 * GIB, "bytes", "size of one CSV read in blocks")
BLOCK_BYTES = Limit(
    "VEILCLI_BLOCK_BYTES",
    96 * MIB,
    "bytes",
    "bytes of a CSV parsed at a time when streaming",
    minimum=64,
    maximum=2 * GIB,
)
LIMITS = (
    MAX_FILE_BYTES,
    MAX_JSON_BYTES,
    MAX_ROWS,
    MAX_COLUMNS,
    MAX_CELLS,
    MAX_XLSX_CELLS,
    MAX_XLSX_ENTRIES,
    MAX_XLSX_UNCOMPRESSED,
    MAX_XLSX_RATIO,
    STREAM_FROM,
    BLOCK_BYTES,
    MAX_STREAM_BYTES,
)
FIELD_BYTES = 131_072  # polars' limit for one CSV field; a longer value is refused in every format
RATIO_FLOOR = 10 * MIB  # a part smaller than this may compress as well as it likes


def over_limit(path: Path, where: str, what: str, limit: Limit) -> InputError:
    """The refusal of a file (``where``: a sheet) past a limit, naming the variable that raises it."""
    return InputError(
        f"{display_path(path)}{where}: {what}, more than the limit of {limit.value():,} {limit.unit}.",
        hint=f"if the file is genuine, raise the limit: {limit.env}=N ({limit.description}; "
        "README, 'Reading files').",
    )
