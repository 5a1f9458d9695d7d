"""A kind's facts: one entry per kind, naming only columns its row model has."""

from __future__ import annotations

import pytest

from veilcli.domain.choices import Kind
from veilcli.domain.kinds import CATEGORISED, KIND_FACTS, REGISTRATION_LEVEL, facts


def test_every_kind_has_its_facts() -> None:
    assert list(KIND_FACTS) == list(Kind)
    assert all(facts(kind).kind is kind for kind in Kind)


@pytest.mark.parametrize("kind", list(Kind))
def test_the_facts_name_columns_of_the_row_model(kind: Kind) -> None:
    f = facts(kind)
    columns = set(f.model.model_fields)
    named = {
        *f.key,
        f.period_column,
        f.area_column,
        *f.known_area_columns,
        *f.one_of,
        *f.agreeing,
        *f.complementary,
    }
    if f.own_figure is not None:
        named.add(f.own_figure)
    assert named <= columns, named - columns


def test_what_follows_from_the_period_column() -> None:
    level = {k for k in Kind if facts(k).registration_level}
    assert level == {Kind.registrations, Kind.suspects}
    assert {k for k in Kind if facts(k).statistical} == set(Kind) - level
    assert {k for k in Kind if facts(k).yearly} == {Kind.population, Kind.survey}


def test_the_kinds_derived_from_the_facts() -> None:
    assert (Kind.registrations, Kind.suspects) == REGISTRATION_LEVEL
    assert (Kind.registrations, Kind.suspects, Kind.counts) == CATEGORISED
