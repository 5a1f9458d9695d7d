"""`veilcli download`: fetch a police or CBS table from its OData API, filtered, with provenance.

The police publish their open data through CBS's OData service for third parties
(``https://dataderden.cbs.nl/ODataApi/OData/<table>``, e.g. 47013NED); CBS's own tables
(Kerncijfers wijken en buurten, 83765NED ...) live at ``https://opendata.cbs.nl/ODataApi/OData``.
Both speak OData v3: ``DataProperties`` names the table's dimensions (the ``GeoDimension`` and
``TimeDimension`` keys), ``TypedDataSet`` holds the rows, a page at a time (``odata.nextLink``).

A download is saved as one OData document (every page's rows under ``value``, the first page's
``odata.metadata``), beside a ``.json.provenance`` (URLs, filter, time, sha256), and can then be
ingested like any other file. Responses are cached on disk; timeouts and server errors are
retried; an unreachable service is one clear message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from veilcli.errors import InputError, UsageError
from veilcli.sources.files import user_cache_folder

POLICE_BASE = "https://dataderden.cbs.nl/ODataApi/OData"
CBS_BASE = "https://opendata.cbs.nl/ODataApi/OData"
TIMEOUT_S = 30.0
RETRIES = 3
MAX_PAGES = 1000
CACHE_ENV = "VEILCLI_CACHE"


@dataclass
class DownloadResult:
    """What a download fetched and where it saved it."""

    table: str
    path: Path
    provenance: Path
    rows: int
    pages: int
    urls: list[str] = field(default_factory=list)
    from_cache: bool = False


def default_base(table: str) -> str:
    """The police tables (47xxxNED) are on the third-party service; everything else on CBS's own."""
    return POLICE_BASE if table.upper().startswith("47") else CBS_BASE


def cache_dir() -> Path:
    """``$VEILCLI_CACHE``, else ``~/.cache/veilcli/odata``."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured) if configured else user_cache_folder("odata")  # ~/.cache/veilcli/odata on Linux


def _check_table(table: str) -> str:
    cleaned = table.strip().upper()
    if not cleaned or not cleaned.replace("NED", "").replace("ENG", "").isalnum() or len(cleaned) > 12:
        raise UsageError(
            f"{table!r} is not a table id.", hint="write a StatLine table id, e.g. 47013NED or 83765NED."
        )
    return cleaned


class _Client:
    """GET JSON with timeouts, retries and a disk cache."""

    def __init__(self, timeout: float, retries: int, cache: Path | None) -> None:
        import httpx  # only `download` needs it

        self.httpx = httpx
        self.client = httpx.Client(
            timeout=timeout, follow_redirects=True, headers={"Accept": "application/json"}
        )
        self.retries = retries
        self.cache = cache
        self.hits = 0

    def get(self, url: str, what: str) -> dict[str, Any]:
        cached = self._cached(url)
        if cached is not None:
            self.hits += 1
            return cached
        httpx = self.httpx
        host = urlsplit(url).netloc
        last: str = ""
        for attempt in range(self.retries):
            try:
                response = self.client.get(url)
            except httpx.TimeoutException:
                last = f"no answer within {self.client.timeout.read:.0f} s"
            except httpx.TransportError as exc:
                raise InputError(
                    f"cannot reach {host} ({exc.__class__.__name__}): this machine may be offline.",
                    hint="check the network or a proxy, or download the table by hand from StatLine or "
                    "data.politie.nl and `veilcli ingest` the file.",
                ) from exc
            else:
                if response.status_code == 404:
                    raise InputError(
                        f"{what}: not found at {host} (HTTP 404).",
                        hint="check the table id; police tables (47xxxNED) are on dataderden.cbs.nl, "
                        "CBS tables on opendata.cbs.nl (--base-url).",
                    )
                if response.status_code >= 500 or response.status_code == 429:
                    last = f"HTTP {response.status_code}"
                elif response.status_code >= 400:
                    raise InputError(f"{what}: {host} refused the request (HTTP {response.status_code}).")
                else:
                    try:
                        document = response.json()
                    except ValueError as exc:
                        raise InputError(f"{what}: {host} did not answer with JSON.") from exc
                    if not isinstance(document, dict):
                        raise InputError(f"{what}: {host} answered with JSON that is not an OData document.")
                    self._store(url, document)
                    return document
            if attempt + 1 < self.retries:
                time.sleep(min(0.2 * 2**attempt, 2.0))
        raise InputError(
            f"{what}: {host} failed {self.retries} times ({last}).",
            hint="the service may be busy: try again later.",
        )

    def _key(self, url: str) -> Path | None:
        return None if self.cache is None else self.cache / f"{hashlib.sha256(url.encode()).hexdigest()}.json"

    def _cached(self, url: str) -> dict[str, Any] | None:
        key = self._key(url)
        if key is None or not key.is_file():
            return None
        try:
            document = json.loads(key.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # a damaged cache entry is fetched again
        return document if isinstance(document, dict) else None

    def _store(self, url: str, document: dict[str, Any]) -> None:
        key = self._key(url)
        if key is None:
            return
        try:
            key.parent.mkdir(parents=True, exist_ok=True)
            tmp = key.with_name(f".{key.name}.tmp-{os.getpid()}")
            tmp.write_text(json.dumps(document), encoding="utf-8")
            os.replace(tmp, key)
        except OSError:
            pass  # the cache is an optimisation: a read-only home does not stop a download


def _dimensions(client: _Client, base: str, table: str) -> tuple[str | None, str | None]:
    """The table's region and period dimension keys, from ``DataProperties``."""
    document = client.get(f"{base}/{table}/DataProperties?$format=json", f"table {table}")
    properties = document.get("value")
    if not isinstance(properties, list):
        raise InputError(f"table {table}: its DataProperties are not an OData list.")
    geo = next(
        (p.get("Key") for p in properties if isinstance(p, dict) and p.get("Type") == "GeoDimension"), None
    )
    period = next(
        (p.get("Key") for p in properties if isinstance(p, dict) and p.get("Type") == "TimeDimension"), None
    )
    return geo, period


def _filter(geo: str | None, period: str | None, areas: list[str], start: int | None, end: int | None) -> str:
    parts = []
    if areas:
        if geo is None:
            raise UsageError("--area: this table has no region dimension.")
        parts.append("(" + " or ".join(f"startswith({geo},'{a}')" for a in areas) + ")")
    if start is not None or end is not None:
        if period is None:
            raise UsageError("--from/--to: this table has no period dimension.")
        if start is not None:
            parts.append(f"{period} ge '{start}'")
        if end is not None:
            parts.append(f"{period} lt '{end + 1}'")
    return " and ".join(parts)


def download_table(
    table: str,
    out_dir: Path,
    *,
    areas: list[str] | None = None,
    start: int | None = None,
    end: int | None = None,
    base_url: str | None = None,
    timeout: float = TIMEOUT_S,
    retries: int = RETRIES,
    use_cache: bool = True,
) -> DownloadResult:
    """Fetch a table's rows (filtered on region codes and years), follow every page, save them as one
    OData JSON document with a provenance file beside it."""
    table = _check_table(table)
    codes = [a.strip().upper() for a in areas or []]
    bad = [a for a in codes if not re.fullmatch(r"[A-Z]{2}\d{2,8}", a)]
    if bad:
        raise UsageError(f"--area {bad[0]!r}: give region codes (GM0034, RE03, WK003401).")
    if start is not None and end is not None and end < start:
        raise UsageError(f"--to {end} is before --from {start}.")
    base = (base_url or default_base(table)).rstrip("/")
    if not out_dir.is_dir():
        raise InputError(f"{out_dir}: folder does not exist.")
    client = _Client(timeout, retries, cache_dir() if use_cache else None)
    geo, period = _dimensions(client, base, table)
    condition = _filter(geo, period, codes, start, end)
    url = f"{base}/{table}/TypedDataSet?$format=json" + (
        f"&$filter={quote(condition, safe='')}" if condition else ""
    )
    rows: list[Any] = []
    urls: list[str] = []
    metadata = None
    while url:
        if len(urls) >= MAX_PAGES:
            raise InputError(
                f"table {table}: more than {MAX_PAGES} pages.", hint="narrow it with --area/--from/--to."
            )
        urls.append(url)
        page = client.get(url, f"table {table}")
        values = page.get("value")
        if not isinstance(values, list):
            raise InputError(f"table {table}: a page is not an OData list of rows ('value').")
        rows.extend(values)
        metadata = metadata or page.get("odata.metadata")
        next_link = page.get("odata.nextLink")
        url = next_link if isinstance(next_link, str) and next_link else ""
    stem = "_".join([table, "TypedDataSet", *codes, *([f"{start}-{end or ''}"] if start or end else [])])
    target = out_dir / f"{stem}.json"
    document = {"odata.metadata": metadata or f"{base}/{table}/$metadata#TypedDataSet", "value": rows}
    payload = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    from veilcli.store.atomic import write_atomic

    write_atomic(target, lambda tmp: tmp.write_bytes(payload))
    # Not a .json: `veilcli ingest FOLDER` reads data files only.
    provenance = target.with_name(f"{target.name}.provenance")
    from_cache = client.hits == len(urls) + 1  # DataProperties and every page
    record: dict[str, object] = {
        "table": table,
        "base_url": base,
        "filter": condition or None,
        "urls": urls,
        "rows": len(rows),
        "downloaded_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "sha256": hashlib.sha256(payload).hexdigest(),
        "from_cache": from_cache,
    }
    provenance_bytes = (json.dumps(record, indent=2) + "\n").encode("utf-8")
    write_atomic(provenance, lambda tmp: tmp.write_bytes(provenance_bytes))
    return DownloadResult(table, target, provenance, len(rows), len(urls), urls, from_cache)
