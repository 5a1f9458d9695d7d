"""Correct counts for the two registration-method changes, raw beside corrected (DESIGN §2).

Order: samenloop first, then internet reporting. Every result keeps ``raw``,
``after_samenloop`` and ``corrected`` side by side, with the reasons a count could not be
corrected. Everything is polars expressions, joins and window functions over whole frames.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import polars as pl

from veilcli.domain.classification import open_data_codes, to_category
from veilcli.domain.geography import (
    area_expr,
    area_level_expr,
    area_lookup,
    gemeente_of_expr,
    is_finer_expr,
    wijk_of_expr,
)
from veilcli.domain.notes import message, note_expr
from veilcli.domain.periods import PeriodUnit, parse_period, period_bounds_exprs, period_label_expr
from veilcli.domain.rules import Rules

KEYS = ["period", "area", "category"]
RANK = "__rank"
EVENT = "__event"
INTERNET, NOT_INTERNET = "internet", ("desk", "phone", "other")

# Why the internet correction did or did not apply to a row (``internet_status``) -> its row note.
INTERNET_ISSUES = {
    "applied": None,
    "no_channel": message("row_no_channel", {}),
    "no_channel_baseline": message("row_no_channel_baseline", {}),
    "all_online_baseline": message("row_all_online_baseline", {}),
    "no_online_baseline": message("row_no_online_baseline", {}),
}

# Output columns of every normalised table, in order.
COLUMNS: dict[str, pl.DataType] = {
    "period": pl.String(),
    "area": pl.String(),
    "category": pl.String(),
    "source": pl.String(),
    "raw": pl.Float64(),
    "after_samenloop": pl.Float64(),
    "corrected": pl.Float64(),
    "samenloop_effect": pl.Float64(),
    "internet_effect": pl.Float64(),
    "internet": pl.Float64(),
    "channel_unknown": pl.Int64(),
    "baseline_internet_share": pl.Float64(),
    "internet_since": pl.Date(),
    "internet_status": pl.String(),
    "uncorrectable": pl.Int64(),
    "notes": pl.String(),
}


def severity_ranks(rules: Rules) -> pl.LazyFrame:
    """category -> rank (0 = heaviest) from the rules' severity ranking."""
    ranking = rules.samenloop.severity
    return pl.LazyFrame(
        {"category": ranking, RANK: list(range(len(ranking)))},
        schema={"category": pl.String, RANK: pl.Int32},
    )


NATURAL = ["__id_natural", "__id_text"]
# A number's length as one character, so that a longer number sorts after a shorter one (before
# its digits are compared); 4,096 digits and more share the last one (no id holds such a number).
_LENGTHS = {n: chr(0x100 + n) for n in range(4096)}


def natural_key(column: str) -> list[pl.Expr]:
    """Sort keys for ids in natural order over every number in them: "X9" before "X10", "PL1-99"
    before "PL1-100", "Y2019-45" before "Y2019-123"; ids equal but for leading zeros by their text.

    The id is cut into runs of digits and of other characters; a run of digits becomes a marker
    below every character (so "X" + number sorts before "X!...", as a shorter text does), its length
    without leading zeros and those digits: comparing the joined keys as text compares run by run,
    numbers by value. About 2 s per million ids: built only for rows that can tie.
    """
    run = pl.element()
    digits = run.str.strip_chars_start("0")
    number = pl.concat_str(
        pl.lit("\x01"),
        digits.str.len_bytes().replace_strict(_LENGTHS, default=chr(0x100 + 4095), return_dtype=pl.String),
        digits,
    )
    text = pl.col(column).cast(pl.String)
    runs = text.str.extract_all(r"[0-9]+|[^0-9]+")
    encoded = runs.list.eval(pl.when(run.str.contains(r"^[0-9]")).then(number).otherwise(run))
    return [encoded.list.join("").alias(NATURAL[0]), text.alias(NATURAL[1])]


def tie_keys(frame: pl.LazyFrame, column: str, group: str) -> pl.LazyFrame:
    """``natural_key`` columns for the rows whose ``group`` (an event) holds more than one row;
    null for the others, which cannot tie (most registrations are an event of their own)."""
    marked = frame.with_columns((pl.len().over(group) > 1).alias("__shared"))
    shared = marked.filter(pl.col("__shared")).with_columns(natural_key(column))
    alone = marked.filter(~pl.col("__shared")).with_columns(
        pl.lit(None, dtype=pl.String).alias(name) for name in NATURAL
    )
    return pl.concat([shared, alone]).drop("__shared")


def collapse_events(registrations: pl.LazyFrame, rules: Rules) -> pl.LazyFrame:
    """Registrations sharing an ``event_id`` count as one: the heaviest (ties: lowest id)."""
    has_event = pl.col("event_id").is_not_null()
    # Only the rows of an event are ranked: most registrations are an event of their own.
    ranked = registrations.filter(has_event).join(severity_ranks(rules), on="category", how="left")
    rank = pl.col(RANK)
    # An event's heaviest registrations (a category outside the ranking is lighter than any in it);
    # only where several remain does the id decide, and only those rows get the natural key, which
    # costs far more than the sort (1M registrations, 1 in 10 sharing an event: 0.25 s, 0.31 s before).
    heaviest = ranked.filter(rank.eq_missing(rank.min().over("event_id"))).with_columns(
        (pl.len().over("event_id") > 1).alias("__tied")
    )
    tied = (
        heaviest.filter(pl.col("__tied"))
        .with_columns(*natural_key("registration_id"))
        .sort(["event_id", *NATURAL])
        .drop(*NATURAL, "__tied")
        .unique(subset="event_id", keep="first", maintain_order=True)
    )
    alone = heaviest.filter(~pl.col("__tied")).drop("__tied")
    return pl.concat([registrations.filter(~has_event), alone.drop(RANK), tied.drop(RANK)])


def collapse_suspects(suspects: pl.LazyFrame, rules: Rules) -> pl.LazyFrame:
    """A suspect counts once per event: by ``suspect_id``, else through the event's heaviest registration."""
    ranked = suspects.join(severity_ranks(rules), on="category", how="left").with_columns(
        pl.coalesce(
            pl.col("event_id"), pl.concat_str(pl.lit("registration:"), pl.col("registration_id"))
        ).alias(EVENT)
    )
    ranked = tie_keys(ranked, "registration_id", EVENT)
    order = [EVENT, RANK, *NATURAL]
    heaviest = (
        ranked.sort(order, nulls_last=True)
        .unique(subset=EVENT, keep="first", maintain_order=True)
        .select(EVENT, pl.col("registration_id").alias("__kept_registration"))
    )
    identified = (
        ranked.filter(pl.col("suspect_id").is_not_null())
        .sort([EVENT, "suspect_id", RANK, *NATURAL], nulls_last=True)
        .unique(subset=[EVENT, "suspect_id"], keep="first", maintain_order=True)
    )
    anonymous = (
        ranked.filter(pl.col("suspect_id").is_null())
        .join(heaviest, on=EVENT, how="left")
        .filter(pl.col("registration_id") == pl.col("__kept_registration"))
        .drop("__kept_registration")
    )
    return pl.concat([identified, anonymous]).drop(RANK, EVENT, *NATURAL)


def _prepare(
    rows: pl.LazyFrame,
    unit: PeriodUnit | str,
    area_column: str,
    rules: Rules,
    periods: list[str] | None = None,
) -> pl.LazyFrame:
    """Classify, label periods and areas, and flag what the samenloop collapse cannot correct.

    With ``periods``, rows outside them are dropped unless they belong to an event with a row inside
    them (an event's registrations are all kept, so the collapse judges every event whole).
    Materialised once here: every step below reads the same rows.
    """
    since = rules.samenloop.since
    if periods is not None:
        # Only rows inside the periods and event rows can be kept by ``_within``: the rest are not
        # read into memory (half the rows of a comparison's three half-years). Every event row is
        # read, so whether a source has event ids is judged as on all its rows.
        rows = rows.filter(_inside(PeriodUnit(unit), periods) | pl.col("event_id").is_not_null())
    frame = rows.collect(engine="in-memory")
    # Rows after the change in a source without any event_id cannot be collapsed: judged on all its
    # rows. Those few sources are listed (a join of every row on its source cost ~0.09 s a million).
    eventless = (
        frame.group_by("source_id")
        .agg(pl.col("event_id").is_not_null().any().alias("__has_events"))
        .filter(~pl.col("__has_events"))["source_id"]
    )
    if periods is not None:
        frame = _within(frame, PeriodUnit(unit), periods)
    labelled = frame.with_columns(period_label_expr(pl.col("date"), unit).alias("period"))
    return (
        to_category(labelled)
        .with_columns(
            pl.col(area_column).alias("area"),
            (pl.col("source_id").is_in(eventless.implode()) & (pl.col("date") >= since)).alias(
                "__uncorrectable"
            ),
        )
        .lazy()
    )


def _inside(unit: PeriodUnit, periods: list[str]) -> pl.Expr:
    """Whether a row's ``date`` falls in one of the ``periods`` (labels of ``unit``)."""
    bounds = [parse_period(label) for label in periods]
    date = pl.col("date")
    return pl.any_horizontal(
        [(date >= p.start) & (date < p.end) for p in bounds if p.unit is unit] or [pl.lit(False)]
    )


def _within(frame: pl.DataFrame, unit: PeriodUnit, periods: list[str]) -> pl.DataFrame:
    """The rows dated in one of the ``periods`` (labels of ``unit``), and every row of an event
    with a row there: only those can change a figure of the periods (the collapse may keep an
    event's row outside them). Judged on the dates, so only the rows kept are labelled."""
    inside = _inside(unit, periods)
    has_event = pl.col("event_id").is_not_null()
    touched = frame.filter(inside & has_event)["event_id"].unique()
    return frame.filter(inside | (has_event & pl.col("event_id").is_in(touched.implode())))


def _raw_and_collapsed(
    rows: pl.LazyFrame,
    rules: Rules,
    collapse: Callable[[pl.LazyFrame, Rules], pl.LazyFrame],
    where: pl.Expr | None,
) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """Raw counts per key, and the rows left after the samenloop collapse (then filtered by ``where``)."""
    classified = rows.filter(pl.col("category").is_not_null())
    collapsed = collapse(classified, rules) if rules.samenloop.enabled else classified
    if where is not None:
        classified, collapsed = classified.filter(where), collapsed.filter(where)
    raw = classified.group_by(KEYS).agg(
        pl.len().cast(pl.Float64).alias("raw"),
        pl.col("__uncorrectable").sum().cast(pl.Int64).alias("uncorrectable"),
    )
    return raw, collapsed


def aggregate_registrations(
    registrations: pl.LazyFrame,
    rules: Rules,
    *,
    unit: PeriodUnit | str,
    baseline: str | None,
    area_column: str = "municipality",
    periods: list[str] | None = None,
) -> pl.DataFrame:
    """Registrations per period x area x category: raw, after samenloop, after internet (= corrected).

    ``periods`` (which must include ``baseline``) limits the result, and the work, to those periods.
    """
    grouped = group_registrations(registrations, rules, unit=unit, area_column=area_column, periods=periods)
    return correct_registrations(grouped, rules, baseline=baseline)


def group_registrations(
    registrations: pl.LazyFrame,
    rules: Rules,
    *,
    unit: PeriodUnit | str,
    area_column: str = "municipality",
    periods: list[str] | None = None,
) -> pl.DataFrame:
    """Registrations per period x area x category before the internet step: raw, after samenloop and
    the channel counts that step reads (``correct_registrations`` finishes them).

    ``periods`` limits the result, and the work, to those periods. A period's figures depend only on
    the events with a row in it, whose rows are all read either way, so each period's row is the
    same whichever other periods are grouped with it: one grouping of every period serves any
    selection of them (``report html``'s comparison and trend, ``analysis/shared.py``).
    """
    has_event = pl.col("event_id").is_not_null()
    # Only event rows can be collapsed: they are prepared row by row. A source with event rows is
    # never eventless, so none of them is uncorrectable.
    events = _prepare(registrations.filter(has_event), unit, area_column, rules, periods)
    raw_events, collapsed = _raw_and_collapsed(events, rules, collapse_events, None)
    after_events = collapsed.group_by(KEYS).agg(*after_counts())
    raw_alone, after_alone = _alone(registrations, rules, unit, area_column, periods)
    raw = pl.concat([raw_events, raw_alone]).group_by(KEYS).agg(pl.all().sum())
    after = pl.concat([after_events, after_alone]).group_by(KEYS).agg(pl.all().sum())
    return raw_with_after(raw, after, periods).collect(engine="in-memory")


def raw_with_after(raw: pl.LazyFrame, after: pl.LazyFrame, periods: list[str] | None) -> pl.LazyFrame:
    """The raw counts beside the counts after the collapse (0 where the collapse kept none), of
    ``periods`` only when given."""
    frame = raw.join(after, on=KEYS, how="left").with_columns(
        pl.col("after_samenloop", "internet", "__not_internet").fill_null(0.0),
        pl.col("channel_unknown", "__no_channel").fill_null(0),
        pl.lit("registrations").alias("source"),
    )
    return frame if periods is None else frame.filter(pl.col("period").is_in(periods))


def after_counts() -> list[pl.Expr]:
    """Per group of registrations after the samenloop collapse: their number and the channel counts
    the internet step reads."""
    channel = pl.col("channel")
    return [
        pl.len().cast(pl.Float64).alias("after_samenloop"),
        (channel == INTERNET).sum().cast(pl.Float64).alias("internet"),
        channel.is_in(NOT_INTERNET).sum().cast(pl.Float64).alias("__not_internet"),
        (channel == "unknown").sum().cast(pl.Int64).alias("channel_unknown"),
        channel.is_null().sum().cast(pl.Int64).alias("__no_channel"),
    ]


def _alone(
    registrations: pl.LazyFrame,
    rules: Rules,
    unit: PeriodUnit | str,
    area_column: str,
    periods: list[str] | None,
) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """``group_registrations``' raw and after-samenloop counts of the registrations without an event
    (most of them: nothing to collapse). They are counted per month, area, code, channel and source
    first, then labelled and classified: a few thousand groups, not a million rows (every period
    is whole months). Uncorrectable: after the change, in a source without any event row."""
    has_event = pl.col("event_id").is_not_null()
    inside = pl.lit(True) if periods is None else _inside(PeriodUnit(unit), periods)
    counted, with_events = pl.collect_all(
        [
            registrations.filter(~has_event & inside)
            .group_by(
                pl.col("date").dt.month_start(),
                pl.col(area_column).alias("area"),
                "category_code",
                "channel",
                "source_id",
                (pl.col("date") >= rules.samenloop.since).alias("__after_change"),
            )
            .agg(pl.len().alias("__n")),
            registrations.filter(has_event).select(pl.col("source_id").unique()),
        ],
        engine="in-memory",
    )
    labelled = to_category(
        counted.lazy().with_columns(period_label_expr(pl.col("date"), unit).alias("period"))
    ).filter(pl.col("category").is_not_null())
    n, channel = pl.col("__n"), pl.col("channel")
    uncorrectable = ~pl.col("source_id").is_in(with_events["source_id"].implode()) & pl.col("__after_change")
    raw = labelled.group_by(KEYS).agg(
        n.sum().cast(pl.Float64).alias("raw"),
        n.filter(uncorrectable).sum().cast(pl.Int64).alias("uncorrectable"),
    )
    after = labelled.group_by(KEYS).agg(
        n.sum().cast(pl.Float64).alias("after_samenloop"),
        n.filter(channel == INTERNET).sum().cast(pl.Float64).alias("internet"),
        n.filter(channel.is_in(NOT_INTERNET)).sum().cast(pl.Float64).alias("__not_internet"),
        n.filter(channel == "unknown").sum().cast(pl.Int64).alias("channel_unknown"),
        n.filter(channel.is_null()).sum().cast(pl.Int64).alias("__no_channel"),
    )
    return raw, after


def correct_registrations(
    grouped: pl.DataFrame, rules: Rules, *, baseline: str | None, periods: list[str] | None = None
) -> pl.DataFrame:
    """``group_registrations``' counts (of ``periods`` only, when given) with the internet step
    against ``baseline`` and the effects and notes of both corrections: ``aggregate_registrations``."""
    if periods is not None:
        grouped = grouped.filter(pl.col("period").is_in(periods))
    return _finish(_internet(grouped, rules, baseline), rules)


def aggregate_suspects(
    suspects: pl.LazyFrame,
    rules: Rules,
    *,
    unit: PeriodUnit | str,
    where: pl.Expr | None = None,
    area_column: str = "municipality",
) -> pl.DataFrame:
    """Suspects per period x area x category, samenloop-normalised (no channel: no internet step).

    ``where`` (e.g. ages 12-24) is applied after the collapse, so a suspect's event is judged whole.
    """
    prepared = _prepare(suspects, unit, area_column, rules)
    raw, collapsed = _raw_and_collapsed(prepared, rules, collapse_suspects, where)
    after = collapsed.group_by(KEYS).agg(pl.len().cast(pl.Float64).alias("after_samenloop"))
    frame = (
        raw.join(after, on=KEYS, how="left")
        .with_columns(
            pl.col("after_samenloop").fill_null(0.0),
            pl.lit(None, dtype=pl.Float64).alias("internet"),
            pl.lit(0, dtype=pl.Int64).alias("channel_unknown"),
            pl.lit("suspects").alias("source"),
            pl.col("after_samenloop").fill_null(0.0).alias("corrected"),
            pl.lit(None, dtype=pl.Float64).alias("baseline_internet_share"),
            pl.lit(None, dtype=pl.Date).alias("internet_since"),
            pl.lit(None, dtype=pl.String).alias("internet_status"),
            note_expr("row_suspects_no_channel").alias("notes"),
        )
        .collect(engine="in-memory")
    )
    return _finish(frame, rules)


def _internet(frame: pl.DataFrame, rules: Rules, baseline: str | None) -> pl.DataFrame:
    """The internet correction's bound on a frame with ``internet`` and ``__not_internet`` counts.

    ``corrected`` is the baseline-share bound min(D + I, D / (1 - s0)): the low end of the underlying
    range (every extra online report is new); ``after_samenloop`` is its high end (no effect). Only
    categories whose online reportability changed after the baseline began (the rules file's
    extensions), in periods ending on or after the change, are corrected; s0 = 0 or 1, or no channel
    data, leave the count alone, and ``notes`` says why.
    """
    known = pl.col("internet") + pl.col("__not_internet")
    if not rules.internet.enabled or baseline is None:
        reason = message("row_internet_off" if not rules.internet.enabled else "row_no_baseline", {})
        return frame.with_columns(
            pl.col("after_samenloop").alias("corrected"),
            pl.lit(None, dtype=pl.Float64).alias("baseline_internet_share"),
            pl.lit(None, dtype=pl.Date).alias("internet_since"),
            pl.lit(None, dtype=pl.String).alias("internet_status"),
            pl.lit(reason).alias("notes"),
        )
    changed = rules.internet.changed_since(parse_period(baseline).start)
    extensions = pl.DataFrame(
        {"category": list(changed), "internet_since": list(changed.values())},
        schema={"category": pl.String, "internet_since": pl.Date},
    )
    shares = frame.filter(pl.col("period") == baseline).select(
        "area",
        "category",
        pl.when(known > 0).then(pl.col("internet") / known).alias("baseline_internet_share"),
    )
    _, period_end = period_bounds_exprs(pl.col("period"))
    with_share = (
        frame.join(shares, on=["area", "category"], how="left")
        .join(extensions, on="category", how="left")
        .with_columns(
            pl.when(period_end >= pl.col("internet_since"))
            .then(pl.col("internet_since"))
            .alias("internet_since")
        )
    )
    s0 = pl.col("baseline_internet_share")
    applies = (pl.col("period") > baseline) & pl.col("internet_since").is_not_null()
    correctable = applies & s0.is_not_null() & (s0 > 0) & (s0 < 1) & (known > 0)
    held = pl.min_horizontal(known, pl.col("__not_internet") / (1 - s0))
    other = pl.col("after_samenloop") - known  # channel unknown or absent: counted as reported
    issue = (
        pl.when(~applies)
        .then(pl.lit(None, dtype=pl.String))
        .when(known == 0)
        .then(pl.lit("no_channel"))
        .when(s0.is_null())
        .then(pl.lit("no_channel_baseline"))
        .when(s0 >= 1)
        .then(pl.lit("all_online_baseline"))
        .when(s0 == 0)
        .then(pl.lit("no_online_baseline"))
        .otherwise(pl.lit("applied"))
    )
    note = issue.replace_strict(INTERNET_ISSUES, default=None, return_dtype=pl.String)
    unknown_note = pl.when(pl.col("channel_unknown") > 0).then(
        note_expr("row_channel_unknown", rows=pl.col("channel_unknown"))
    )
    return with_share.with_columns(
        pl.when(correctable).then(held + other).otherwise(pl.col("after_samenloop")).alias("corrected"),
        pl.when(correctable).then(pl.col("internet_since")).alias("internet_since"),
        issue.alias("internet_status"),
        pl.concat_str([note, unknown_note], separator="; ", ignore_nulls=True)
        .replace("", None)
        .alias("notes"),
    )


def aggregate_counts(
    counts: pl.LazyFrame, rules: Rules, *, unit: PeriodUnit | str, baseline: str | None
) -> pl.DataFrame:
    """Pre-aggregated counts per period x area x category: samenloop factors, then internet share."""
    rolled = roll_up_counts(counts, unit)
    start, end = period_bounds_exprs(pl.col("period"))
    since = rules.samenloop.since
    days = (end - start).dt.total_days()
    after_days = (end - pl.max_horizontal(start, pl.lit(since))).dt.total_days().clip(lower_bound=0)
    factors = pl.LazyFrame(
        {"category": list(rules.samenloop.factors), "__factor": list(rules.samenloop.factors.values())},
        schema={"category": pl.String, "__factor": pl.Float64},
    )
    factor = pl.col("__factor").fill_null(0.0) * after_days / days if rules.samenloop.enabled else pl.lit(0.0)
    count = pl.col("count").cast(pl.Float64)
    share = pl.when(count > 0).then(pl.col("internet_count") / count)  # a count of 0 has no online share
    frame = (
        rolled.join(factors, on="category", how="left")
        .with_columns(
            count.alias("raw"),
            (count / (1 + factor)).alias("after_samenloop"),
            pl.lit(0, dtype=pl.Int64).alias("uncorrectable"),
            pl.lit(0, dtype=pl.Int64).alias("channel_unknown"),
            pl.lit("counts").alias("source"),
        )
        .with_columns(
            (pl.col("after_samenloop") * share).alias("internet"),
            (pl.col("after_samenloop") * (1 - share)).alias("__not_internet"),
        )
        .collect(engine="in-memory")
    )
    result = _internet(frame, rules, baseline).with_columns(
        # Counts without an online split are corrected for samenloop only.
        pl.when(pl.col("internet").is_null())
        .then(pl.col("after_samenloop"))
        .otherwise(pl.col("corrected"))
        .alias("corrected"),
        pl.when(pl.col("internet").is_null() & pl.col("internet_status").is_not_null())
        .then(pl.lit("no_channel"))
        .otherwise(pl.col("internet_status"))
        .alias("internet_status"),
        pl.when(pl.col("internet").is_not_null()).then(pl.col("internet_since")).alias("internet_since"),
        pl.concat_str(
            [
                pl.when(pl.col("raw").is_null()).then(note_expr("row_suppressed")),
                pl.when(pl.col("internet").is_null() & pl.col("raw").is_not_null()).then(
                    note_expr("row_no_online_count")
                ),
                pl.col("notes"),
            ],
            separator="; ",
            ignore_nulls=True,
        ).alias("notes"),
    )
    return _finish(result, rules)


_COUNT_KEY = ("period", "area", "category_code")


def counts_for(counts: pl.LazyFrame, areas: list[str]) -> pl.LazyFrame:
    """The stored counts that give these areas' figures: their own rows, and the wijk and buurt rows
    of a municipality among them for every (period, category) no row of the municipality itself
    is stored for (``roll_up_counts`` sums those; a stored row always wins).

    A national buurt table holds every level (NL, GM, WK, BU): when each municipality's own rows
    hold every (period, category) the table has, its ~95% wijk and buurt rows are not needed and
    are never joined; otherwise only those of the municipalities that lack some are.
    """
    # The streaming engine: these passes over every stored row of the years read stay small
    # (1.9 GB -> 0.16 GB for the pairs of a national table's two years).
    own = counts.filter(pl.col("area").is_in(areas)).collect(engine="streaming")
    pairs = counts.select("period", "category_code").unique().collect(engine="streaming").height
    held = own.group_by("area").agg(pl.struct("period", "category_code").n_unique().alias("__held"))
    complete = set(held.filter(pl.col("__held") == pairs)["area"].to_list())
    lacking = {a for a in areas if a not in complete}
    if not lacking:
        return own.lazy()
    digits = pl.LazyFrame(
        [
            (key[2:], name)
            for key, name in area_lookup().items()
            if name in lacking and re.fullmatch(r"gm\d{4}", key)
        ],
        schema={"__digits": pl.String, "__area": pl.String},
        orient="row",
    )
    area = pl.col("area")
    finer = (
        counts.filter(area.str.starts_with("BU") | area.str.starts_with("WK"))
        .with_columns(area.str.slice(2, 4).alias("__digits"))
        .join(digits, on="__digits", how="inner")
        .filter(is_finer_expr(area))
        .join(
            own.lazy().select("period", pl.col("area").alias("__area"), "category_code"),
            on=["period", "__area", "category_code"],
            how="anti",
        )
        .drop("__digits", "__area")
        .collect(engine="streaming")
    )
    return pl.concat([own, finer]).lazy()


def _rolled_up_areas(counts: pl.LazyFrame) -> pl.LazyFrame:
    """Stored counts plus the wijk and gemeente counts their buurt and wijk codes add up to.

    Two steps, each only where no row is stored for that key (a stored row always wins, and a
    buurt is never added on top of its wijk or its gemeente): buurten (``BU00340101``) -> their
    wijk (``WK003401``); then wijken, stored or summed -> their gemeente, under its name (``Almere``).
    A suppressed part makes the sum unknown (``sum_or_null``).
    """
    key = list(_COUNT_KEY)
    measures = [sum_or_null("count"), sum_or_null("internet_count")]
    code = pl.col("area").str.strip_chars().str.to_uppercase()
    buurten = counts.filter(area_level_expr(code) == "buurt")
    wijk_sums = (
        buurten.group_by(wijk_of_expr(pl.col("area")).alias("area"), "period", "category_code")
        .agg(*measures)
        .join(counts.select(key), on=key, how="anti")
    )
    stored_wijken = counts.filter(area_level_expr(code) == "wijk")
    wijken = pl.concat(
        [
            stored_wijken.select(*key, "count", "internet_count"),
            wijk_sums.select(*key, "count", "internet_count"),
        ]
    )
    gemeente_sums = (
        wijken.group_by(area_expr(gemeente_of_expr(pl.col("area"))).alias("area"), "period", "category_code")
        .agg(*measures)
        .join(counts.select(key), on=key, how="anti")
    )
    derived = pl.concat([wijk_sums, gemeente_sums], how="diagonal_relaxed")
    return pl.concat([counts, derived], how="diagonal_relaxed")


def rollup_parts(counts: pl.LazyFrame, unit: PeriodUnit | str) -> pl.DataFrame:
    """(period, area, category, part): for every gemeente count ``_rolled_up_areas`` sums from finer
    rows, the codes it sums (a stored wijk, else that wijk's buurten), at ``unit`` (a half-year's
    parts are those of its months together). Stored gemeente rows have no parts: they are whole.

    ``coverage.rollup_coverage`` compares them between the periods of a comparison: a sum whose
    parts differ is not the same territory.
    """
    code = pl.col("area").str.strip_chars().str.to_uppercase()
    key = list(_COUNT_KEY)
    stored = counts.select(key)
    buurten = counts.filter(area_level_expr(code) == "buurt").select(
        "period", "category_code", wijk_of_expr(pl.col("area")).alias("wijk"), code.alias("part")
    )
    stored_wijken = counts.filter(area_level_expr(code) == "wijk").select(
        "period", "category_code", code.alias("wijk"), code.alias("part")
    )
    from_buurten = buurten.join(
        stored_wijken.select("period", "category_code", "wijk"),
        on=["period", "category_code", "wijk"],
        how="anti",
    )
    parts = (
        pl.concat([stored_wijken, from_buurten])
        .with_columns(area_expr(gemeente_of_expr(pl.col("wijk"))).alias("area"))
        .join(stored, on=key, how="anti")
    )
    start, _ = period_bounds_exprs(pl.col("period"))
    return (
        parts.select(
            period_label_expr(start, unit).alias("period"),
            "area",
            pl.col("category_code").alias("category"),
            "part",
        )
        .unique()
        .collect(engine="streaming")
    )


def roll_up_counts(counts: pl.LazyFrame, unit: PeriodUnit | str) -> pl.LazyFrame:
    """Counts at ``unit``: as stored, else summed from finer complete periods (never both added);
    buurt and wijk counts also give their wijk and gemeente where none is stored (``_rolled_up_areas``)."""
    unit = PeriodUnit(unit)
    counts = _rolled_up_areas(counts)
    start, end = period_bounds_exprs(pl.col("period"))
    with_bounds = counts.with_columns(
        start.alias("__start"),
        ((end.dt.year() - start.dt.year()) * 12 + end.dt.month() - start.dt.month()).alias("__months"),
    ).filter(pl.col("__months") <= unit.months)
    target = with_bounds.with_columns(period_label_expr(pl.col("__start"), unit).alias("__target"))
    finest_first = target.with_columns(
        # Prefer the coarsest stored unit that fits: exact periods win over sums of finer ones.
        (pl.col("__months") == pl.col("__months").max().over("__target", "area", "category_code")).alias(
            "__use"
        )
    ).filter(pl.col("__use"))
    return (
        finest_first.group_by(
            pl.col("__target").alias("period"), "area", pl.col("category_code").alias("category")
        )
        .agg(
            # Any suppressed part makes the sum unknown; a missing month makes it incomplete.
            sum_or_null("count"),
            sum_or_null("internet_count"),
            (pl.col("__months").sum() == unit.months).alias("__complete"),
        )
        .filter(pl.col("__complete"))
        .drop("__complete")
    )


def _finish(frame: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    if not rules.samenloop.enabled:
        frame = frame.with_columns(
            pl.col("raw").alias("after_samenloop"), pl.lit(0, dtype=pl.Int64).alias("uncorrectable")
        )
    frame = frame.with_columns(
        (pl.col("after_samenloop") - pl.col("raw")).alias("samenloop_effect"),
        (pl.col("corrected") - pl.col("after_samenloop")).alias("internet_effect"),
        pl.concat_str(
            [
                pl.when(pl.col("uncorrectable") > 0).then(
                    note_expr("row_samenloop_not_correctable", rows=pl.col("uncorrectable"))
                ),
                pl.col("notes").replace("", None),
            ],
            separator="; ",
            ignore_nulls=True,
        )
        .replace("", None)
        .alias("notes"),
    )
    return frame.select([pl.col(c).cast(t) for c, t in COLUMNS.items()]).sort(KEYS)


def combine(registrations: pl.DataFrame, counts: pl.DataFrame) -> pl.DataFrame:
    """Registrations and counts together, never added: registrations win.

    Where registrations cover an area and period, that area and period's police counts (every
    category code of the classification, totals included) are set aside, so a total is never a mix
    of the two sources. Other counts (e.g. municipal tallies such as house bans) are kept.
    """
    area_period = ["area", "period"]
    covered = registrations.select(area_period).unique()
    police = counts.filter(pl.col("category").is_in(police_codes()))
    set_aside = police.join(covered, on=area_period, how="semi")
    kept_counts = counts.join(set_aside.select(KEYS), on=KEYS, how="anti")
    note = message("row_counts_set_aside", {})
    marked = registrations.join(
        set_aside.select(area_period).unique().with_columns(pl.lit(note).alias("__note")),
        on=area_period,
        how="left",
    )
    marked = marked.with_columns(
        pl.concat_str(["notes", "__note"], separator="; ", ignore_nulls=True).replace("", None).alias("notes")
    ).drop("__note")
    return pl.concat([marked, kept_counts]).sort(KEYS)


def sum_or_null(column: str | pl.Expr, name: str | None = None) -> pl.Expr:
    """Sum of a column (or an expression, named ``name``), null when any part is unknown
    (suppressed): a partial sum is not a count."""
    expr = pl.col(column) if isinstance(column, str) else column
    alias = column if isinstance(column, str) else name
    assert alias is not None, "an expression needs a name"
    return pl.when(expr.null_count() == 0).then(expr.sum()).alias(alias)


def police_codes() -> list[str]:
    """Category codes of the police classification (crime, nuisance, and both totals)."""
    return open_data_codes()
