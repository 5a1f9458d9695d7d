"""The JSON nesting check that runs on the bytes before polars (which types every level)."""

from __future__ import annotations

import pytest

from veilcli.sources.json_reader import MAX_DEPTH, too_deep


def _arrays(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def _objects(depth: int) -> bytes:
    return b'{"a": ' * depth + b"1" + b"}" * depth


@pytest.mark.parametrize("depth", [1, 2, 3, MAX_DEPTH - 1, MAX_DEPTH])
def test_up_to_the_limit_is_not_too_deep(depth: int) -> None:
    assert not too_deep(_arrays(depth)) and not too_deep(_objects(depth))


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, MAX_DEPTH + 2, 1_000, 100_000])
def test_past_the_limit_is_too_deep(depth: int) -> None:
    assert too_deep(_arrays(depth)) and too_deep(_objects(depth))


def test_interleaved_arrays_and_objects_count_as_one_nesting() -> None:
    assert not too_deep(b'{"value": [{"a": [1, {"b": [2]}]}]}')  # five levels
    assert too_deep(b'{"v": [' * 9 + b"1" + b"]}" * 9)  # eighteen


def test_brackets_inside_strings_do_not_count() -> None:
    hidden = b'"' + b"[" * 500 + b'\\"' + b"{" * 500 + b'"'
    assert not too_deep(b'{"value": [{"a": ' + hidden + b"}]}")


def test_unbalanced_but_shallow_is_left_to_the_parser() -> None:
    assert not too_deep(b"[{]}") and not too_deep(b"]" * 1_000)
    assert too_deep(b"[" * 1_000)  # unclosed and deep


def test_a_real_odata_document_is_three_levels() -> None:
    rows = b",".join(b'{"Perioden": "2019JJ00", "RegioS": "GM0034", "Waarde": %d}' % i for i in range(1000))
    assert not too_deep(b'{"odata.metadata": "x", "value": [' + rows + b"]}")
