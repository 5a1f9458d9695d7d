"""``Evaluator.prefetch``: every figure of a comparison counted in two queries, each figure the same
as when it is counted on its own (``analysis/compare.py``; ``indicators.indicator_points_many`` and
``series_many``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from veilcli import api
from veilcli.analysis import compare as compare_module
from veilcli.analysis.compare import Evaluator
from veilcli.sources.pipeline import ReadOptions
from veilcli.store.ingest import ingest_paths
from veilcli.store.store import Store

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("sample") / "store")
    assert ingest_paths([SAMPLE], store, ReadOptions()).stored
    return store


def _dumps(store: Store, plan: Path | None = None) -> list[dict]:
    """Comparisons (with benchmarks, by district, raw), and a trend, as JSON-ready dicts."""
    extra = {} if plan is None else {"plan_path": plan}
    return [
        api.compare(store, period="2019H1", **extra).model_dump(mode="json"),
        api.compare(store, period="2019H1", raw=True, **extra).model_dump(mode="json"),
        api.compare(store, period="2019H1", by="district", **extra).model_dump(mode="json"),
        api.trend(store, **extra).model_dump(mode="json"),
    ]


def _one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each figure counted when it is asked for, as before ``prefetch``."""
    monkeypatch.setattr(Evaluator, "prefetch", lambda self, *args, **kwargs: None)


def test_prefetched_figures_equal_figures_counted_one_by_one(
    sample_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sample plan: rates per 1,000 inhabitants, dwellings and youths, counts, suspects of an
    age range, police counts and two benchmarks, all counted in one query each."""
    together = _dumps(sample_store)
    _one_by_one(monkeypatch)
    assert _dumps(sample_store) == together


def test_pooled_benchmarks_and_suspects_are_the_same_prefetched(
    plan_store: tuple[Store, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Members left out of a pooled benchmark, a period nothing covers, counts beside registrations."""
    store, plan = plan_store
    together = _dumps(store, plan)
    _one_by_one(monkeypatch)
    assert _dumps(store, plan) == together


def test_a_comparison_counts_its_points_and_series_in_one_query_each(
    sample_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"points": 0, "series": 0}
    points, series = compare_module.indicator_points_many, compare_module.series_many

    def count_points(*args: object, **kwargs: object) -> object:
        calls["points"] += 1
        return points(*args, **kwargs)  # type: ignore[arg-type]

    def count_series(*args: object, **kwargs: object) -> object:
        calls["series"] += 1
        return series(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(compare_module, "indicator_points_many", count_points)
    monkeypatch.setattr(compare_module, "series_many", count_series)
    result = api.compare(sample_store, period="2019H1")
    assert len(result.indicators) > 10 and any(i.benchmarks for i in result.indicators)
    assert calls == {"points": 1, "series": 1}
