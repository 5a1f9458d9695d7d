"""Store validated files: all-or-nothing, idempotent, with a summary.

The read side (``sources/pipeline``: read -> recognise -> validate, or in blocks for a large
counts CSV, staged in the store's staging folder) hands over validated tables; ``ingest_paths``
then decides what to store (``admit``: nothing when a file is invalid, unless ``--skip-invalid``;
``plan_ingest``: unchanged, repaired and replaced sources, the new files, all under the store's
lock and without writing) and writes it (``commit_ingest``: the rejected rows, then the store in
one atomic commit).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import stat
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import cast

import polars as pl
from pydantic import BaseModel, Field

from veilcli import __version__
from veilcli.domain.choices import Kind
from veilcli.domain.classification import to_category
from veilcli.domain.coverage import describe_coverage, infer_scope, infer_span, month_counts
from veilcli.domain.kinds import KIND_FACTS, facts
from veilcli.domain.models import (
    Manifest,
    RejectedFile,
    SourceFormat,
    SourceRecord,
    ValidationReport,
)
from veilcli.errors import InputError, StoreError
from veilcli.files.atomic import discard_staged, file_kind, os_error_reason, stage_bytes, sweep_stale
from veilcli.sources.blocks import StagedTable
from veilcli.sources.csv_stream import streamable
from veilcli.sources.files import expand_paths, find_input_files
from veilcli.sources.pipeline import Progress, ReadOptions, check_paths
from veilcli.sources.validate import RowFacts, ValidatedTable
from veilcli.store.bulk import (
    Settlement,
    clash_error,
    part_records,
    settle_with_store,
    source_stamp,
)
from veilcli.store.store import Store, safe_text, source_id_for, stored_schema


class SourceStatus(StrEnum):
    """What became of one file (or sheet) in ``ingest``."""

    stored = "stored"  # its rows are in the store now
    unchanged = "unchanged"  # the same content is stored already: nothing added
    rejected = "rejected"  # invalid, or another file of the command was: nothing stored
    no_valid_rows = "no-valid-rows"  # --skip-invalid, and every row invalid: nothing of the command stored
    dry_run = "dry-run"  # valid, and --dry-run: nothing stored
    empty = "empty"  # a header without rows: nothing to store


class SourceOverlap(BaseModel):
    """Another source holding registrations (or suspects) of the same municipality, day and
    category as rows of this file, under other ids: perhaps the same registrations numbered anew
    (then both are counted), perhaps not (an extract split by district, which this check cannot
    always tell). A warning: both are stored."""

    path: str = Field(description="The other source: stored already, or another file of this command.")
    sheet: str | None = None
    rows: int = Field(description="This file's rows on those days (municipality and category alike).")
    days: int = Field(description="Days on which both hold such rows.")
    first: str = Field(description="The first of those days.")
    last: str = Field(description="The last of those days.")
    municipalities: list[str] = Field(default_factory=list)


class SourceSummary(BaseModel):
    """What one ingested file (or sheet) contributed."""

    path: str
    sheet: str | None = None
    kind: Kind | None = None
    source_format: SourceFormat | None = Field(None, description="What the file was recognised as.")
    status: SourceStatus
    sha256: str = ""
    rows_stored: int = 0
    rows_rejected: int = 0
    date_min: str | None = None
    date_max: str | None = None
    areas: list[str] = Field(default_factory=list)
    event_linked_share: float | None = None
    channel_mix: dict[str, float] = Field(default_factory=dict)
    dropped_personal_columns: list[str] = Field(default_factory=list)
    replaced: dict[str, int] = Field(default_factory=dict, description="source path -> rows replaced")
    agreed: dict[str, int] = Field(
        default_factory=dict,
        description="source path -> rows stored there with the same values (kept once, not a conflict)",
    )
    overlaps: list[SourceOverlap] = Field(
        default_factory=list,
        description="Other sources with rows of the same municipality, day and category under other ids.",
    )
    rejected_file: str | None = None
    covers: str | None = Field(None, description="FIRST..LAST day the source covers (registration level).")
    scope: list[str] | None = Field(None, description='Categories it covers: "crime", "nuisance", codes.')
    coverage_declared: bool = Field(False, description="Span and scope given at ingest, not inferred.")


class IngestResult(BaseModel):
    """The outcome of one ``ingest`` command."""

    store: str
    stored: bool
    sources: list[SourceSummary] = Field(default_factory=list)
    report: ValidationReport


@dataclass
class PendingSource:
    """One validated file (or sheet) on its way to the store, with the summary the command shows."""

    validated: ValidatedTable
    sha256: str
    summary: SourceSummary
    staged: StagedTable | None = None  # a file read in blocks: its rows are staged on disk, by year
    # Its valid rows before those stored already with the same content were taken out (``data`` is
    # then what is stored): what the file covers, and the ids it gives.
    whole: pl.DataFrame | None = None
    under_keys: pl.DataFrame | None = None  # stored rows under its keys (``_stored_under_keys``)
    # Whether another file of the command holds one of its keys (``_check_batch_keys``); None: not
    # looked at.
    shares_keys: bool | None = None

    def valid_rows(self) -> pl.DataFrame:
        """Every valid row of the file, those stored already included."""
        return self.validated.data if self.whole is None else self.whole


@dataclass
class IngestPlan:
    """What an ingest writes, decided under the store's lock before anything is written."""

    to_store: list[PendingSource]  # the files whose rows are stored (status ``stored``)
    sources: list[SourceRecord]  # the manifest's sources after the commit
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)  # file (relative) -> its rows
    folders: dict[str, Path] = field(default_factory=dict)  # folder of parts (relative) -> staged folder
    rejected_files: list[RejectedFile] = field(default_factory=list)  # the manifest's, before the commit


def summarise(kind: Kind, data: pl.DataFrame, known: RowFacts | None = None) -> dict[str, object]:
    """Date range, areas, event-link share and channel mix of validated rows (``known``: their
    facts, computed already by ``describe_rows``)."""
    out: dict[str, object] = {}
    if data.height == 0:
        return out
    kind_facts = facts(kind)
    dates = data[kind_facts.period_column]
    if kind_facts.registration_level:
        out["date_min"], out["date_max"] = str(dates.min()), str(dates.max())
        out["event_linked_share"] = data["event_id"].is_not_null().sum() / data.height
    elif kind_facts.yearly:
        out["date_min"], out["date_max"] = str(dates.min()), str(dates.max())
    elif (periods := dates.drop_nulls()).len():  # period labels, as written
        out["date_min"], out["date_max"] = periods.min(), periods.max()
    out["areas"] = _areas(data, kind_facts.area_column, known)
    if "channel" in data.columns and data["channel"].is_not_null().any():  # a registration's
        mix = data["channel"].value_counts(normalize=True, name="share")
        out["channel_mix"] = {str(r["channel"]): float(r["share"]) for r in mix.sort("channel").to_dicts()}
    return out


def _areas(data: pl.DataFrame, column: str, known: RowFacts | None) -> list[str]:
    """The distinct areas (of ``column``, the kind's area column) of valid rows, sorted."""
    if known is not None:
        return list(known.areas)
    return sorted(data[column].drop_nulls().unique().to_list())


def _rejected_file(validated: ValidatedTable, directory: Path, used: set[Path]) -> tuple[Path, bytes]:
    """Where the rejected rows of a file go, and the CSV's bytes (rows with their reasons); a name
    used earlier in this command gets a number.

    Only the row number, the reasons and the columns veilcli reads are written: never a dropped
    personal column, nor any other column of the file. Text is formula-safe (``spreadsheet_safety``).
    """
    from veilcli.files.spreadsheet_safety import csv_text

    report = validated.report
    stem = Path(report.path).stem + (f"-{report.sheet}" if report.sheet else "")
    stem = re.sub(r'[\\/\x00-\x1f\x7f:*?"<>|]', "_", stem).lstrip(".") or "rejected"  # one plain file name
    target, number = directory / f"{stem}.rejected.csv", 1
    while target in used:
        number += 1
        target = directory / f"{stem}-{number}.rejected.csv"
    used.add(target)
    rejected = validated.rejected
    fixed = [c for c in ("row", "reasons") if c in rejected.columns]
    read = [h for h in dict.fromkeys(report.columns.values()) if h in rejected.columns and h not in fixed]
    return target, csv_text(rejected.select(*fixed, *read)).encode("utf-8")


def _recorded_path(target: Path) -> str:
    """How a rejected-rows file is named in the manifest: its absolute path (the folder resolved)."""
    return safe_text(str(target.parent.resolve() / target.name))


def _written_by_us(target: Path, record: RejectedFile | None) -> bool:
    """Whether ``target`` is a regular file (not a link) holding exactly the bytes veilcli recorded
    when it wrote it: veilcli wrote it, and nobody changed it since."""
    if record is None:
        return False
    try:
        flags = (
            os.O_RDONLY
            | getattr(os, "O_NONBLOCK", 0)
            | getattr(os, "O_NOFOLLOW", 0)
            | getattr(os, "O_BINARY", 0)
        )
        descriptor = os.open(target, flags)
    except OSError:
        return False
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_size != record.size:
            return False
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest() == record.sha256
    except OSError:
        return False
    finally:
        os.close(descriptor)


def _check_rejected_target(target: Path, record: RejectedFile | None, force: bool) -> None:
    """Refuse to overwrite a file veilcli did not write (or that was changed since), unless ``force``."""
    kind = file_kind(target)
    if kind is None or (kind == "file" and _written_by_us(target, record)):
        return
    if kind not in ("file", "symlink"):
        raise InputError(
            f"{target}: is a {kind}, not a regular file; the rejected rows cannot be written there. "
            "Nothing was stored.",
            hint="move it away, or pass --rejected-dir with another folder.",
        )
    if force:
        return
    raise InputError(
        f"{target}: exists already and is not a rejected-rows file veilcli wrote (or it was changed "
        "since); not overwritten. Nothing was stored.",
        hint="move or rename it, pass --rejected-dir with another folder, or pass --force to overwrite it.",
    )


# How rows of two sources under the same key agree, complement each other or conflict is a fact of
# their kind: ``KindFacts.agreeing`` and ``KindFacts.complementary`` (``domain/kinds``).
# A suspect row has no key of its own (a registration has several suspects, often without a person
# id): the suspects of one registration_id are compared as a whole, on these facts.
SUSPECT_FACTS = ("date", "age", "municipality", "category_code", "event_id", "suspect_id")


def _check_batch_keys(pending: list[PendingSource]) -> None:
    """Two files of one command must not both hold the same key (with other values)."""
    for kind_facts in KIND_FACTS.values():
        kind, key = kind_facts.kind, kind_facts.key
        measures, agreeing = list(kind_facts.complementary), list(kind_facts.agreeing)
        files = [
            p for p in pending if p.summary.kind is kind and key and p.summary.status is SourceStatus.stored
        ]
        if len(files) < 2:
            continue
        frames = [_rows(p).with_columns(pl.lit(p.summary.path).alias("__path")) for p in files]
        # The keys in more than one file first, on the keys alone (files of one command rarely share
        # any); only their rows are compared.
        shared = (
            pl.concat(f.select(*key, "__path") for f in frames)
            .group_by(*key)
            .agg(pl.col("__path").n_unique().alias("__files"))
            .filter(pl.col("__files") > 1)
            .select(key)
            .collect()
        )
        for p in files:
            p.shares_keys = bool(shared.height)
        if not shared.height:
            continue
        # Complementary columns (youths from one file, inhabitants from another) are no overlap.
        differ = [pl.col(m).drop_nulls().n_unique() > 1 for m in measures]
        differ += [pl.col(m).n_unique() > 1 for m in agreeing]  # the same value twice is agreement
        both = (
            pl.concat(f.select(*key, *measures, *agreeing, "__path") for f in frames)
            .join(shared.lazy(), on=key, how="semi")
            .group_by(*key)
            .agg(
                pl.col("__path").unique(),
                pl.any_horizontal(differ).alias("__clash") if differ else pl.lit(True),
            )
            .filter(pl.col("__clash") if differ else pl.lit(True))
            .collect()
        )
        if both.height:
            first = both.row(0, named=True)
            raise StoreError(
                f"{both.height} {kind} key(s) occur in more than one file of this command, "
                f"e.g. {', '.join(f'{k}={first[k]}' for k in key)} in {' and '.join(first['__path'])}.",
                hint="ingest one version of each record; remove the overlap from one file.",
            )


def _rows(p: PendingSource) -> pl.LazyFrame:
    """A pending file's valid rows: in memory, or staged on disk."""
    return p.staged.scan() if p.staged is not None else p.validated.data.lazy()


def ingest_paths(
    paths: list[Path],
    store: Store,
    options: ReadOptions,
    *,
    skip_invalid: bool = False,
    replace: bool = False,
    dry_run: bool = False,
    rejected_dir: Path | None = None,
    progress: Progress | None = None,
    force: bool = False,
) -> IngestResult:
    """Validate every file, then store all of them in one atomic commit (or nothing).

    ``skip_invalid`` stores the valid rows of invalid files (their rejected rows go to CSV files in
    ``rejected_dir``, default the working folder; a file there that veilcli did not write is
    overwritten only with ``force``); ``replace`` replaces rows already stored from another source
    under the same key (else that is an error); ``dry_run`` stores nothing.
    """
    args = (skip_invalid, replace, dry_run, rejected_dir, progress, force)
    if dry_run or not (replace or any(streamable(p) for p in expand_paths(paths))):
        return _ingest(paths, store, options, None, *args)
    # Large files stage their rows in the store's folder, and so does --replace the parts it rewrites
    # of a source stored in parts.
    with store.staging_folder() as staging:
        return _ingest(paths, store, options, staging, *args)


def _ingest(
    paths: list[Path],
    store: Store,
    options: ReadOptions,
    staging: Path | None,
    skip_invalid: bool,
    replace: bool,
    dry_run: bool,
    rejected_dir: Path | None,
    progress: Progress | None,
    force: bool = False,
) -> IngestResult:
    found = find_input_files(paths)
    checked = check_paths(found.files, options, progress, staging, source_stamp)
    report = ValidationReport(files=[c.validated.report for c in checked], skipped=found.skipped)
    pending = [pending_source(c.validated, c.sha256, c.staged) for c in checked]
    if not admit(pending, dry_run=dry_run, skip_invalid=skip_invalid):
        return IngestResult(
            store=str(store.root), stored=False, sources=[p.summary for p in pending], report=report
        )
    _check_batch_keys(pending)
    rejected_to = rejected_dir or Path.cwd()
    write_rejected = skip_invalid and any(not p.validated.report.valid for p in pending)
    if write_rejected:
        try:
            rejected_to.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"{rejected_to}: cannot create the folder for rejected rows ({exc}).") from exc
    with store.locked():
        plan = plan_ingest(store, pending, options, replace=replace, staging=staging)
        commit_ingest(store, plan, rejected_to if write_rejected else None, force=force)
    return IngestResult(
        store=str(store.root), stored=bool(plan.to_store), sources=[p.summary for p in pending], report=report
    )


def pending_source(table: ValidatedTable, sha256: str, staged: StagedTable | None = None) -> PendingSource:
    """A validated file on its way to the store: its summary says ``stored`` until decided otherwise."""
    r = table.report
    described: dict[str, object] = summarise(r.kind, table.data, table.facts_of(table.data)) if r.kind else {}
    if staged is not None and staged.periods:
        described = {
            "date_min": min(staged.periods),
            "date_max": max(staged.periods),
            "areas": sorted(staged.areas),
        }
    summary = SourceSummary(
        path=safe_text(r.path),
        sheet=r.sheet,
        kind=r.kind,
        source_format=r.source_format,
        sha256=sha256,
        status=SourceStatus.stored,
        rows_stored=r.rows_valid,
        rows_rejected=r.rows_invalid,
        dropped_personal_columns=r.dropped_personal_columns,
        **described,
    )
    return PendingSource(table, sha256, summary, staged)


def admit(pending: list[PendingSource], *, dry_run: bool, skip_invalid: bool) -> bool:
    """Whether the command goes on to the store; when not, every file is ``rejected`` (or ``dry-run``).

    Nothing is stored with ``--dry-run``, when a file is invalid (unless ``--skip-invalid``), when
    a file has no rows and is invalid, or when a file has rows and not one of them is valid: that
    file is ``no-valid-rows``, the others ``rejected``. (Storing it would add a source without rows,
    reported as "stored"; a file whose every row fails is more likely the wrong file or mapping
    than data, so the command stores nothing, as for any invalid file without ``--skip-invalid``.)
    A file with a header and no rows is ``empty``.
    """
    for p in pending:
        _refuse_shared_area_names(p)
    invalid = any(not p.validated.report.valid for p in pending)
    empty_invalid = any(p.validated.report.rows_read == 0 and not p.validated.report.valid for p in pending)
    none_valid = {id(p) for p in pending if _no_valid_row(p)} if skip_invalid and not dry_run else set()
    if dry_run or (invalid and not skip_invalid) or empty_invalid or none_valid:
        for p in pending:
            p.summary.status = SourceStatus.dry_run if dry_run and not invalid else SourceStatus.rejected
            if id(p) in none_valid:
                p.summary.status = SourceStatus.no_valid_rows
            if p.summary.status is not SourceStatus.dry_run:
                p.summary.rows_stored = 0
        return False
    for p in pending:
        if p.validated.report.rows_read == 0:
            p.summary.status = SourceStatus.empty  # a header without rows: nothing to store, and said so
    return True


def _no_valid_row(p: PendingSource) -> bool:
    """Rows read, every one of them rejected."""
    report = p.validated.report
    return report.rows_read > 0 and report.rows_valid == 0 and not report.valid


def _refuse_shared_area_names(p: PendingSource) -> None:
    """A counts file naming two areas the same (a wijk and a buurt: "Frankendael" in Amsterdam) is
    refused, also with ``--skip-invalid``: keeping one of the two rows would be a guess."""
    report, rejected = p.validated.report, p.validated.rejected
    header = report.columns.get("area")
    if (
        report.kind is not Kind.counts
        or header is None
        or header not in rejected.columns
        or not rejected.height
    ):
        return
    twice = rejected.filter(
        pl.col("reasons").str.contains("duplicate_key"),
        ~pl.col(header).str.strip_chars().str.contains(r"^(?i:GM|WK|BU|RE|NL)\d"),  # names, not codes
    )
    if not twice.height:
        return
    names = twice[header].str.strip_chars().unique(maintain_order=True).to_list()
    rows = ", ".join(str(r) for r in twice["row"].head(5).to_list())
    raise InputError(
        f"{report.path}: column {header!r} names {len(names)} area(s) twice for the same period and "
        f"category ({', '.join(repr(n) for n in names[:5])}; row(s) {rows} repeat an earlier row): "
        "a wijk and a buurt can share a name (e.g. Frankendael in Amsterdam), and a name cannot tell "
        "them apart. Nothing was stored; --skip-invalid does not keep one of them.",
        hint="download the table with region codes (the OData TypedDataSet, WijkenEnBuurten WK.../BU...), "
        "or keep one level per file (filter on 'Soort regio'), or rename one of the two in the file.",
    )


def plan_ingest(
    store: Store,
    pending: list[PendingSource],
    options: ReadOptions,
    *,
    replace: bool,
    staging: Path | None = None,
) -> IngestPlan:
    """What to write, with the store's lock held; writes nothing into the store.

    A file stored before is ``unchanged`` (unless its stored rows are damaged: then it is stored
    anew); keys stored from another source are an error, or with ``replace`` removed there; every
    other file gets a new stored file and a manifest record. A source in parts that loses rows gets
    a new folder of parts, written in ``staging`` (``Store.staging_folder``).
    """
    manifest = store.manifest()
    rejected_files = list(manifest.rejected_files)
    known: dict[tuple[str, str | None, Kind | None], SourceRecord]
    known = {(s.sha256, s.sheet, s.kind): s for s in manifest.sources}
    damaged = {d.source.id for d in store.damage(manifest.sources)}
    in_command = {_id_of(p) for p in pending}
    # Damaged sources whose original is ingested again, and sources whose rows a later file replaced
    # (unless that file is ingested in this command too): stored anew from the original.
    repaired = set()
    for p in pending:
        record = known.get((p.sha256, p.summary.sheet, p.summary.kind))
        again = record is not None and (record.id in damaged or bool(set(record.replaced_by) - in_command))
        if record is not None and again and p.summary.status is SourceStatus.stored:
            repaired.add(record.id)
        elif record is not None:
            p.summary.status = SourceStatus.unchanged
            p.summary.rows_stored = 0
    manifest = Manifest(sources=[s for s in manifest.sources if s.id not in repaired])
    to_store = [p for p in pending if p.summary.status is SourceStatus.stored]
    settlement = Settlement(spill=staging)  # the rows stored sources keep, over every file of the command
    _resolve_conflicts(store, manifest, to_store, replace, settlement)
    _settle_suspects(store, manifest, to_store, replace, settlement)
    _drop_agreeing(store, manifest, to_store)
    for p in [p for p in to_store if p.summary.agreed and p.validated.data.height == 0]:
        p.summary.status = SourceStatus.unchanged  # every row is stored already, with the same values
        to_store.remove(p)
    _find_overlaps(store, manifest, to_store)
    settled: set[int] = set()  # (ids of) files read in blocks, settled: later ones agree with them
    for p in [p for p in to_store if p.staged is not None]:
        assert p.staged is not None
        # Counts of the command's other files (read whole, or in blocks and settled before this
        # one) that this file holds with the same values are kept once, there.
        others = [
            (q.summary.path, _rows(q))
            for q in to_store
            if q.summary.kind is Kind.counts and (q.staged is None or id(q) in settled)
        ]
        agreed, replaced = settle_with_store(
            store,
            manifest.sources,
            p.staged,
            p.summary.path,
            replace=replace,
            settlement=settlement,
            others=others,
            source_id=_id_of(p),
        )
        for path, rows in agreed.items():
            p.summary.agreed[path] = p.summary.agreed.get(path, 0) + rows
        for path, rows in replaced.items():
            p.summary.replaced[path] = p.summary.replaced.get(path, 0) + rows
        # Every row stored already, with the same values: unchanged. (A file without a valid row
        # never gets here: ``admit`` refuses it.)
        if not p.staged.years and p.summary.agreed:
            p.summary.status = SourceStatus.unchanged
            p.summary.rows_stored = 0
            to_store.remove(p)
        else:
            settled.add(id(p))
    sources = list(manifest.sources)
    frames: dict[str, pl.DataFrame] = {}
    folders: dict[str, Path] = {}
    _apply_settlement(store, settlement, sources, frames, folders, staging)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for p in to_store:
        record = _new_source(store, p, options, now)
        if p.staged is not None:
            assert p.staged.folder is not None
            parts = part_records(p.staged.folder, p.staged.years, record.file)
            folders[record.file] = p.staged.folder
            schema = (
                pl.read_parquet_schema(p.staged.part(parts[0].year)) if parts else stored_schema(Kind.counts)
            )
            record = record.model_copy(
                update={
                    "parts": parts,
                    "rows": sum(part.rows for part in parts),
                    "file_size": sum(part.size for part in parts),
                    "file_schema": {n: str(t) for n, t in schema.items()},
                }
            )
            sources.append(record)
            p.summary.rows_stored = record.rows
            continue
        frames[record.file] = _without_birth_dates(
            p.validated.data.with_columns(pl.lit(record.id).alias("source_id"))
        ).select(list(stored_schema(record.kind)))
        sources.append(record)
        if record.covers_from is not None:
            p.summary.covers = describe_coverage(record.covers_from, record.covers_to, record.gaps)  # type: ignore[arg-type]
            p.summary.scope = record.scope
            p.summary.coverage_declared = record.covers_declared or record.scope_declared
    return IngestPlan(to_store, sources, frames, folders, rejected_files)


def _id_of(p: PendingSource) -> str:
    """The id a pending file is (or would be) stored under."""
    return source_id_for(p.sha256, p.summary.sheet)


def _apply_settlement(
    store: Store,
    settlement: Settlement,
    sources: list[SourceRecord],
    frames: dict[str, pl.DataFrame],
    folders: dict[str, Path],
    staging: Path | None,
) -> None:
    """Sources that lose rows to this command's files get new files without them (a source in
    parts: a new folder in ``staging``, its untouched parts linked, the changed years rewritten)."""
    by_id = {s.id: s for s in sources}
    for source_id, kept in settlement.kept.items():
        old = by_id[source_id]
        relative = store.new_file_name(old.kind, old.id, replaced=True)
        frames[relative] = kept
        sources[sources.index(old)] = old.model_copy(update={"file": relative, "rows": kept.height})
    for source_id, years in settlement.kept_parts.items():
        old = by_id[source_id]
        assert old.parts is not None
        if staging is None:
            raise ValueError("a source in parts loses rows: plan_ingest needs a staging folder")
        relative = store.new_file_name(old.kind, old.id, replaced=True, folder=True)
        folder = staging / relative.rsplit("/", 1)[1]
        folder.mkdir()
        left: dict[int, int] = {}
        for part in old.parts:
            target = folder / f"{part.year}.parquet"
            if part.year not in years:
                try:
                    os.link(store.path_of(old, part), target)  # unchanged: the same bytes, no copy
                except OSError:  # a file system without hard links (a network share): a copy
                    shutil.copyfile(store.path_of(old, part), target)
                left[part.year] = part.rows
            elif rows := _rows_in(years[part.year]):
                os.replace(years[part.year], target)
                left[part.year] = rows
        parts = part_records(folder, left, relative)
        folders[relative] = folder
        sources[sources.index(old)] = old.model_copy(
            update={
                "file": relative,
                "parts": parts,
                "rows": sum(q.rows for q in parts),
                "file_size": sum(q.size for q in parts),
            }
        )
    for number, source in enumerate(sources):
        if source.id in settlement.taken:
            replaced_by = dict(source.replaced_by)
            for by, rows in settlement.taken[source.id].items():
                replaced_by[by] = replaced_by.get(by, 0) + rows
            sources[number] = source.model_copy(update={"replaced_by": replaced_by})


def _rows_in(path: Path) -> int:
    return int(pl.scan_parquet(path, glob=False).select(pl.len()).collect().item())


def _new_source(store: Store, p: PendingSource, options: ReadOptions, now: dt.datetime) -> SourceRecord:
    """The manifest record of a file about to be stored (with the name of its new stored file)."""
    r, kind = p.validated.report, p.summary.kind
    assert kind is not None
    source_id = source_id_for(p.sha256, r.sheet)
    registration_level = facts(kind).registration_level
    return SourceRecord(
        id=source_id,
        path=safe_text(str(Path(r.path).resolve())),
        sheet=r.sheet,
        sha256=p.sha256,
        kind=kind,
        source_format=r.source_format,
        rows=p.validated.data.height,  # without rows stored already with the same values
        rows_rejected=r.rows_invalid,
        file=store.new_file_name(kind, source_id, folder=p.staged is not None),
        ingested_at=now,
        columns=r.columns,
        date_min=p.summary.date_min if registration_level else None,
        date_max=p.summary.date_max if registration_level else None,
        has_event_id="event_id" in r.columns,
        # What the file covers, the rows stored already from another source included (they are
        # in the store, under that source): its span, scope and areas are the extract's.
        **_coverage(kind, p.valid_rows(), options, p.validated.facts_of(p.valid_rows())),
        veilcli_version=__version__,
    )


def commit_ingest(store: Store, plan: IngestPlan, rejected_to: Path | None, *, force: bool = False) -> None:
    """Write what the plan says: the rejected rows of each file stored (when ``rejected_to`` is
    given, ``--skip-invalid``), then the new files and the manifest in one atomic commit.

    A rejected-rows CSV replaces an existing file only when veilcli wrote that file (the manifest
    records each one's path and sha256) and nobody changed it since, or with ``force``; the CSVs
    are written to temporary files first and moved into place after the commit, so a refused or
    failed ingest leaves them, like the store, as they were.
    """
    used_names: set[Path] = set()
    records = {r.path: r for r in plan.rejected_files}
    staged: list[tuple[PendingSource, Path, Path]] = []
    try:
        for p in plan.to_store:
            if rejected_to is None or not p.validated.report.rows_invalid:
                continue
            target, data = _rejected_file(p.validated, rejected_to, used_names)
            key = _recorded_path(target)
            _check_rejected_target(target, records.get(key), force)
            sweep_stale(target)  # temporary files of a killed ingest
            try:
                staged.append((p, target, stage_bytes(target, data)))
            except OSError as exc:
                raise InputError(
                    f"cannot write {target}: {os_error_reason(exc)}; nothing was stored."
                ) from exc
            records[key] = RejectedFile(
                path=key,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                written_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
            )
        if plan.to_store:
            manifest = Manifest(sources=plan.sources, rejected_files=sorted(records.values(), key=_by_path))
            store.commit(manifest, plan.frames, plan.folders)
    except BaseException:
        for _, _, tmp in staged:
            discard_staged(tmp)
        raise
    for p, target, tmp in staged:
        try:
            os.replace(tmp, target)
        except OSError as exc:
            discard_staged(tmp)
            raise InputError(
                f"cannot write {target}: {os_error_reason(exc)}; the valid rows were stored, the "
                "rejected rows not written.",
                hint="run the command again once the file can be written (nothing more is stored).",
            ) from exc
        p.summary.rejected_file = str(target)


def _by_path(record: RejectedFile) -> str:
    return record.path


def _without_birth_dates(data: pl.DataFrame) -> pl.DataFrame:
    """A birth date only serves to compute the age (done at validation); with residence and
    registration it identifies a person, so it is never stored (the column stays, empty, so
    stores keep one schema)."""
    if "birth_date" not in data.columns:
        return data
    return data.with_columns(pl.lit(None, dtype=data.schema["birth_date"]).alias("birth_date"))


def _coverage(
    kind: Kind, data: pl.DataFrame, options: ReadOptions, known: RowFacts | None = None
) -> dict[str, object]:
    """Span, scope and areas of a registration-level source (see ``coverage.py``; ``known``: the
    facts of ``data`` computed already by ``describe_rows``)."""
    if not facts(kind).registration_level or data.height == 0:
        return {}
    first, last = data["date"].min(), data["date"].max()
    gaps: list[tuple[dt.date, dt.date]] = []
    if options.covers is not None:
        start, end = options.covers
    else:
        days = known.days if known is not None else None
        start, end, gaps = infer_span(first, last, month_counts(data["date"], days))  # type: ignore[arg-type]
    scope = options.scope
    if scope is None:
        # classified once per distinct code, weighed by its rows
        codes = data.group_by("category_code").len()
        per_category = to_category(codes).group_by("category").agg(pl.col("len").sum())
        scope = infer_scope(dict(per_category.iter_rows()))
    return {
        "covers_from": start,
        "covers_to": end,
        "gaps": gaps,
        "covers_declared": options.covers is not None,
        "scope": scope,
        "scope_declared": options.scope is not None,
        "areas": _areas(data, "municipality", known if facts(kind).area_column == "municipality" else None),
    }


def _stored_under_keys(store: Store, sources: list[SourceRecord], p: PendingSource) -> pl.DataFrame:
    """The stored rows (key, ``source_id`` and the compared columns) under keys a file gives: looked up
    once per file, by the keys alone (a file sharing no key with the store reads no other column),
    for both its conflicts and its agreement."""
    if p.under_keys is not None:
        return p.under_keys
    kind = p.summary.kind
    assert kind is not None
    kind_facts = facts(kind)
    key = list(kind_facts.key)
    columns = [*key, *kind_facts.complementary, *kind_facts.agreeing, "source_id"]
    if not any(s.kind is kind for s in sources):  # nothing of this kind stored: no join of every new row
        p.under_keys = pl.DataFrame(schema={c: stored_schema(kind)[c] for c in columns})
    else:
        keys = p.validated.data.lazy().select(key)
        shared = store.scan(kind, sources).select(key).join(keys, on=key, how="semi").unique().collect()
        rows = store.scan(kind, sources).select(columns)
        # The other columns are read for the shared keys only (most files share none).
        p.under_keys = (
            rows.join(shared.lazy(), on=key, how="semi").collect()
            if shared.height
            else rows.clear().collect()
        )
    return p.under_keys


def _clashes(stored: pl.DataFrame, kind: Kind, key: list[str], data: pl.DataFrame) -> pl.DataFrame:
    """Stored rows (key + source_id) that the new rows would contradict (``stored``: the stored rows
    under the new rows' keys)."""
    if stored.height == 0:  # nothing stored under these keys (a first ingest): no join of every new row
        return stored.select(*key, "source_id")
    measures, agreeing = list(facts(kind).complementary), list(facts(kind).agreeing)
    new = data.select(*key, *[pl.col(m).alias(f"{m}__new") for m in (*measures, *agreeing)])
    joined = stored.join(new, on=key, how="inner")
    if measures:
        differ = [
            pl.col(m).is_not_null() & pl.col(f"{m}__new").is_not_null() & (pl.col(m) != pl.col(f"{m}__new"))
            for m in measures
        ]
        joined = joined.filter(pl.any_horizontal(differ))
    if agreeing:
        joined = joined.filter(
            ~pl.all_horizontal(pl.col(m).eq_missing(pl.col(f"{m}__new")) for m in agreeing)
        )
    return joined.select(*key, "source_id").unique()


def _drop_agreeing(store: Store, manifest: Manifest, to_store: list[PendingSource]) -> None:
    """Rows of a kind with ``agreeing`` columns (``KindFacts``) that are stored already (or come
    earlier in this command) with the same values: kept once, counted in ``agreed``, never stored
    twice (a sum would count them twice)."""
    # (path, rows kept) of the files before in this command: the path beside the frame, not as a
    # column of every row (a literal column of 1M rows: +45 MiB peak on the 1M-row benchmark).
    earlier: dict[Kind, list[tuple[str, pl.DataFrame]]] = {}
    for p in to_store:
        kind = p.summary.kind
        if kind is None or not facts(kind).agreeing or p.validated.data.height == 0:
            continue
        key = list(facts(kind).key)
        data = p.validated.data
        under = _stored_under_keys(store, list(manifest.sources), p)
        if p.shares_keys is False and under.height == 0:
            continue  # no key stored, nor in another file of the command: nothing to agree
        # Only the same values are agreement: a key stored with another value is a conflict, which
        # ``--replace`` resolves by storing this file's value (it must not be dropped here).
        measures = list(facts(kind).agreeing)
        same = pl.all_horizontal(pl.col(m).eq_missing(pl.col(f"{m}__new")) for m in measures)
        # Nothing stored under its keys (a first ingest of one file, ``shares_keys`` None): the same
        # empty frame without joining every new row (0.10 s CPU of the 1M-row benchmark).
        stored = (
            under.join(data.select(*key, *(pl.col(m).alias(f"{m}__new") for m in measures)), on=key)
            .filter(same)
            .select(*key, "source_id")
            if under.height
            else under.select(*key, "source_id")
        )
        if stored.height:
            by_source = {s.id: s.path for s in manifest.sources}
            for source_id, rows in stored.group_by("source_id").agg(pl.len()).iter_rows():
                path = by_source[source_id]
                p.summary.agreed[path] = p.summary.agreed.get(path, 0) + int(rows)
        before = [stored.select(key), *[f.select(key) for _, f in earlier.get(kind, [])]]
        drop = pl.concat(before).unique()
        # Nothing stored or given earlier under these keys (a first ingest): no copy of every row.
        kept = data.join(drop, on=key, how="anti") if drop.height else data
        for path, f in earlier.get(kind, []):
            if overlap := data.join(f.select(key), on=key, how="semi").height:
                p.summary.agreed[path] = p.summary.agreed.get(path, 0) + overlap
        earlier.setdefault(kind, []).append((p.summary.path, kept))
        if kept.height < data.height:
            p.whole = data if p.whole is None else p.whole
            p.validated.data = kept
            p.summary.rows_stored = kept.height


def _resolve_conflicts(
    store: Store, manifest: Manifest, to_store: list[PendingSource], replace: bool, settlement: Settlement
) -> None:
    """Keys already stored from another source: an error, or with ``replace`` removed there
    (``settlement``: the rows each source keeps)."""
    by_source = {s.id: s for s in manifest.sources}
    for p in to_store:
        kind = p.summary.kind
        assert kind is not None
        key = list(facts(kind).key)
        if not key or p.validated.data.height == 0:
            continue
        clashes = _clashes(_stored_under_keys(store, list(manifest.sources), p), kind, key, p.validated.data)
        if clashes.height == 0:
            continue
        if not replace:
            raise clash_error(p.summary.path, str(kind), clashes, key, by_source)
        for source_id, rows in clashes.group_by("source_id").agg(pl.len()).iter_rows():
            old = by_source[source_id]
            keys = clashes.filter(pl.col("source_id") == source_id).select(key)
            settlement.remove(store, old, keys, by=_id_of(p))
            p.summary.replaced[old.path] = p.summary.replaced.get(old.path, 0) + int(rows)


def _suspect_groups(rows: pl.LazyFrame, *by: str) -> pl.LazyFrame:
    """One row per registration (and ``by``): its suspects' facts as sorted hashes, and how many."""
    fact = pl.struct(*SUSPECT_FACTS).hash().alias("__fact")
    return (
        rows.with_columns(fact)
        .group_by("registration_id", *by)
        .agg(pl.col("__fact").sort().alias("__facts"), pl.len().alias("__rows"))
    )


def _settle_suspects(
    store: Store, manifest: Manifest, to_store: list[PendingSource], replace: bool, settlement: Settlement
) -> None:
    """A registration's suspects that a stored source (or an earlier file of this command) gives too.

    The same suspects (``SUSPECT_FACTS``, as a whole) are agreement: kept once, counted in
    ``agreed``. Other suspects of that registration are a conflict: an error, or with ``replace`` the
    stored ones are removed (``settlement``); two files of the command that differ are an error.
    """
    by_source = {s.id: s for s in manifest.sources}
    stored_any = any(s.kind is Kind.suspects for s in manifest.sources)
    earlier: list[tuple[str, pl.DataFrame]] = []  # (path, rows to be stored) of this command
    for p in to_store:
        if p.summary.kind is not Kind.suspects or p.validated.data.height == 0:
            continue
        data = p.validated.data
        new = _suspect_groups(data.lazy()).collect()
        ids = new.select("registration_id").lazy()
        same_facts = pl.col("__facts") == pl.col("__facts_new")
        agreed: list[pl.DataFrame] = []
        for path, rows in earlier:
            both = (
                _suspect_groups(rows.lazy().join(ids, on="registration_id", how="semi"))
                .collect()
                .join(new, on="registration_id", suffix="_new")
            )
            if (clashing := both.filter(~same_facts)).height:
                example = clashing[0, "registration_id"]
                raise StoreError(
                    f"{clashing.height} registration(s) have other suspects in {p.summary.path} than in "
                    f"{path}, both files of this command (e.g. registration_id={example}).",
                    hint="ingest one version of a registration's suspects; remove the overlap from a file.",
                )
            if both.height:
                p.summary.agreed[path] = p.summary.agreed.get(path, 0) + int(both["__rows_new"].sum())
                agreed.append(both.select("registration_id"))
        if stored_any:
            both = (
                _suspect_groups(
                    store.scan(Kind.suspects, manifest.sources).join(ids, on="registration_id", how="semi"),
                    "source_id",
                )
                .collect()
                .join(new, on="registration_id", suffix="_new")
            )
            differ = both.filter(~same_facts)
            if differ.height and not replace:
                raise clash_error(
                    p.summary.path, "registration(s) with suspects", differ, ["registration_id"], by_source
                )
            for (source_id,), group in differ.partition_by("source_id", as_dict=True).items():
                old = by_source[str(source_id)]
                taken = int(group["__rows"].sum())
                settlement.remove(store, old, group.select("registration_id"), by=_id_of(p), count=taken)
                p.summary.replaced[old.path] = p.summary.replaced.get(old.path, 0) + taken
            same = both.filter(same_facts)
            for (source_id,), group in same.partition_by("source_id", as_dict=True).items():
                path = by_source[str(source_id)].path
                p.summary.agreed[path] = p.summary.agreed.get(path, 0) + int(group["__rows_new"].sum())
            agreed.append(same.select("registration_id"))
        if agreed and (drop := pl.concat(agreed).unique()).height:
            p.whole = data
            p.validated.data = data.join(drop, on="registration_id", how="anti")
            p.summary.rows_stored = p.validated.data.height
        earlier.append((p.summary.path, p.validated.data))


# Two registrations (or suspects) of one municipality, day and category from two sources under other
# ids: the same registrations numbered anew, counted twice, unless the sources split the data in a
# way the rows show (by district, where both give one).
CELL = ["municipality", "date", "category"]


def _cells(rows: pl.LazyFrame, other: pl.Expr) -> pl.LazyFrame:
    """Municipality x day x category (x district where given) with the rows in each, per source
    (``__other``: a stored source's id, ``file:<n>`` for a file of this command)."""
    if "district" not in rows.collect_schema().names():  # suspects: no district
        rows = rows.with_columns(pl.lit(None, dtype=pl.String).alias("district"))
    cells = (
        rows.with_columns(other.cast(pl.String).alias("__other"))
        .group_by("__other", "municipality", "date", "category_code", "district")
        .agg(pl.len().alias("__n"))
    )
    # Classified once per cell, not per row (a code of no category is in no indicator); a BVH code
    # and the open-data code of its category fall in one cell.
    return to_category(cells).drop_nulls(CELL).group_by("__other", *CELL, "district").agg(pl.col("__n").sum())


def _find_overlaps(store: Store, manifest: Manifest, to_store: list[PendingSource]) -> None:
    """Each registration-level file's rows on days another source (stored, or earlier in this
    command) holds registrations of the same municipality and category under other ids: listed in
    the file's ``overlaps`` (a warning; both are stored). Ids the file gives are left out on both
    sides: those rows agreed, or conflicted, or replace the stored ones."""
    by_source = {s.id: s for s in manifest.sources}
    earlier: dict[Kind, list[PendingSource]] = {}
    for p in to_store:
        kind = p.summary.kind
        if kind is None or not facts(kind).registration_level or p.validated.data.height == 0:
            continue
        files = earlier.setdefault(kind, [])
        others: list[tuple[pl.LazyFrame, pl.Expr]] = [
            (q.validated.data.lazy(), pl.lit(f"file:{i}")) for i, q in enumerate(files)
        ]
        files.append(p)
        data = p.validated.data
        first, last = cast(dt.date, data["date"].min()), cast(dt.date, data["date"].max())
        places = set(data["municipality"].drop_nulls().unique().to_list())
        # Stored sources whose recorded span and areas cannot meet this file's are not read at all.
        meeting = [
            s
            for s in manifest.sources
            if s.kind is kind
            and (s.date_min is None or s.date_max is None or (s.date_min <= last and first <= s.date_max))
            and (s.areas is None or places & set(s.areas))
        ]
        if meeting:
            others.append((store.scan(kind, meeting), pl.col("source_id")))
        if not others:
            continue
        ids = p.valid_rows().select("registration_id").lazy()
        # Only this file's days and municipalities are read of the others (pushed into the scan).
        near = pl.col("date").is_between(first, last) & pl.col("municipality").is_in(sorted(places))
        # A file that shares no id with the others (nothing agreed, nothing replaced) needs no
        # anti-join of their rows on its ids.
        shares = p.whole is not None or bool(p.summary.replaced)
        theirs = pl.concat(
            _cells(
                rows.filter(near).join(ids, on="registration_id", how="anti")
                if shares
                else rows.filter(near),
                other,
            )
            for rows, other in others
        ).collect()
        if not theirs.height:
            continue  # nothing of the others on those days and in those municipalities
        found = (
            theirs.lazy()
            .join(_cells(data.lazy(), pl.lit("")).drop("__other"), on=CELL, suffix="_mine")
            .filter(  # a district on both sides tells extracts split by district apart
                pl.col("district").is_null()
                | pl.col("district_mine").is_null()
                | (pl.col("district") == pl.col("district_mine"))
            )
            .unique(["__other", *CELL, "district_mine"])
            .collect()
        )
        for (other,), hits in found.partition_by("__other", as_dict=True, maintain_order=True).items():
            if str(other).startswith("file:"):
                q = files[int(str(other)[5:])]
                path, sheet = q.summary.path, q.summary.sheet
            else:
                path, sheet = by_source[str(other)].path, by_source[str(other)].sheet
            p.summary.overlaps.append(
                SourceOverlap(
                    path=path,
                    sheet=sheet,
                    rows=int(hits["__n_mine"].sum()),
                    days=hits["date"].n_unique(),
                    first=str(hits["date"].min()),
                    last=str(hits["date"].max()),
                    municipalities=sorted(hits["municipality"].unique().to_list()),
                )
            )
        p.summary.overlaps.sort(key=lambda o: (o.path, o.sheet or ""))
