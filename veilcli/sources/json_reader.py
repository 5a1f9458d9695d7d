"""JSON: an OData TypedDataSet document or an array of flat records; any other shape refused."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import polars as pl

from veilcli.errors import InputError
from veilcli.sources.encoding import decode_text
from veilcli.sources.files import read_file_bytes
from veilcli.sources.limits import MAX_JSON_BYTES
from veilcli.sources.messages import display_path, reason
from veilcli.sources.table import RawTable, check_frame, refuse_nested, with_row_numbers

POLARS_DEPTH = 1024  # polars' JSON reader refuses deeper nesting (DepthLimitExceeded)
MAX_DEPTH = 16  # an OData document is three levels deep ({"value": [{...}]}), records two
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"')
_PAIR = re.compile(rb"\[\]|\{\}")
_OPENERS = re.compile(rb"[\[{]{%d}" % (MAX_DEPTH + 1))
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def _describe(dtype: object) -> str:
    if isinstance(dtype, pl.List):
        return "a list"
    if isinstance(dtype, pl.Struct):
        return "an object"
    if dtype == pl.Null:
        return "null"
    if dtype == pl.String:
        return "text"
    if dtype == pl.Boolean:
        return "true/false"
    numeric = getattr(dtype, "is_numeric", None)
    return "a number" if callable(numeric) and numeric() else str(dtype)


def too_deep(data: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether arrays and objects nest more than ``limit`` levels deep in the JSON text ``data``.

    Judged on the bytes before any parser sees them: polars builds a type for every level, and a
    2 KB file nested 1,000 deep takes 13 GB and a minute before it is refused. Brackets inside
    strings do not count; unbalanced brackets that are not deep are left to the parser to name.
    """
    brackets = _STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    for _ in range(limit):  # each pass removes the innermost pairs, one level
        if not brackets:
            return False
        brackets = _PAIR.sub(b"", brackets)
    return bool(brackets) and bool(_PAIR.search(brackets) or _OPENERS.search(brackets))


def read_json(path: Path) -> RawTable:
    """An OData document (``{"odata.metadata": ..., "value": [...]}``) or a JSON array of records.

    Rows are numbered 1, 2, ... in the order of the records. Any other shape (a bare value, an
    object without a ``value`` list, a list of non-records, nested values) is refused.
    """
    raw = read_file_bytes(path, MAX_JSON_BYTES)
    data, _ = decode_text(raw, path)
    name = display_path(path)
    shape = "veilcli reads an OData TypedDataSet document or a JSON array of flat records."
    start = re.match(rb"(?:\xef\xbb\xbf)?\s*(.)", data[:65536], flags=re.DOTALL)
    top = start.group(1) if start else b""
    if top not in (b"{", b"["):
        raise InputError(f"{name}: not a JSON object or array of records.", hint=shape)
    head = data[:4096].decode("utf-8", errors="ignore")
    if too_deep(data):
        raise InputError(
            f"{name}: cannot be read as JSON (nested more than {MAX_DEPTH} levels deep; "
            "an OData document is three).",
            hint=shape,
        )
    metadata: dict[str, str] = {}
    match = re.search(r'"odata\.metadata"\s*:\s*"([^"]*)"', head)
    if match:
        metadata["odata.metadata"] = match.group(1)
    try:
        frame = pl.read_json(io.BytesIO(data), infer_schema_length=None)
    except Exception as exc:  # polars raises several error types for malformed JSON
        why = reason(exc)
        if "only deserialize json objects" in why:
            why = "the array holds values that are not records (objects)"
        elif "DepthLimitExceeded" in why:
            why = f"nested more than {POLARS_DEPTH:,} levels deep, {why.split('DepthLimitExceeded ', 1)[-1]}"
        raise InputError(f"{name}: cannot be read as JSON ({why}).", hint=shape) from None
    if top == b"{":
        if "value" not in frame.columns:
            raise InputError(f"{name}: a JSON object without a 'value' list of records.", hint=shape)
        value = frame.schema["value"]
        if "odata.nextLink" in frame.columns:
            link = frame.schema["odata.nextLink"]
            # Only text is a link; anything else is never printed (a value nested a thousand levels
            # deep has no repr: RecursionError).
            if link not in (pl.String, pl.Null):
                raise InputError(f"{name}: 'odata.nextLink' is {_describe(link)}, not a URL.", hint=shape)
            if frame["odata.nextLink"][0]:
                metadata["odata.nextLink"] = str(frame["odata.nextLink"][0])
        if not isinstance(value, pl.List):
            raise InputError(f"{name}: 'value' is {_describe(value)}, not a list of records.", hint=shape)
        if value.inner == pl.Null or frame["value"].list.len()[0] == 0:
            raise InputError(f"{name}: the OData document has no rows ('value' is empty).")
        if not isinstance(value.inner, pl.Struct):
            raise InputError(
                f"{name}: the items of 'value' are not records (the first is {_describe(value.inner)}).",
                hint=shape,
            )
        frame = frame.select(pl.col("value").explode()).unnest("value")
    if frame.width == 0 or frame.height == 0:
        raise InputError(f"{name}: holds no records.", hint=shape)
    refuse_nested(path, frame, "records")
    frame = frame.with_columns(pl.col(c).cast(pl.String) for c, t in frame.schema.items() if t != pl.String)
    frame = with_row_numbers(frame, first_data_row=1)
    check_frame(path, frame, "")
    return RawTable(frame, path, "json", sha256=hashlib.sha256(raw).hexdigest(), metadata=metadata)
