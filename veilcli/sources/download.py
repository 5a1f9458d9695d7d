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

An answer is input like any file (README, 'Downloading'): each request and the whole download
have a deadline (a server that trickles bytes cannot hold the command), each answer and the whole
download a size limit, decompressed (veilcli inflates gzip itself, a bounded piece at a time), and
pages a count limit; JSON deeper than an OData document needs is refused. Redirects and
``odata.nextLink`` are followed only to the host the download started on (and only over https
where it started so): another host's rows never reach the file or the store. The saved file
replaces only a file veilcli wrote (its ``.provenance`` matches), else ``--force``; every file is
written through an exclusively created temporary file, never through a symlink.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urljoin, urlsplit

from veilcli.domain.notes import Note, note
from veilcli.errors import InputError, UsageError
from veilcli.sources.files import user_cache_folder
from veilcli.sources.limits import MIB, Limit
from veilcli.sources.messages import short

if TYPE_CHECKING:
    import httpx

POLICE_BASE = "https://dataderden.cbs.nl/ODataApi/OData"
CBS_BASE = "https://opendata.cbs.nl/ODataApi/OData"
TIMEOUT_S = 30.0  # per connect and per read; the deadlines below bound a whole request
RETRIES = 3
CACHE_ENV = "VEILCLI_CACHE"

REQUEST_SECONDS = Limit(
    "VEILCLI_DOWNLOAD_REQUEST_SECONDS",
    120,
    "seconds",
    "time for one request, from connecting to the last byte",
)
DOWNLOAD_SECONDS = Limit(
    "VEILCLI_DOWNLOAD_SECONDS", 1800, "seconds", "time for a whole download, every page and retry"
)
# An OData page holds at most 10,000 rows (a few MB); the whole download is bounded like a JSON file
# (VEILCLI_MAX_JSON_BYTES), so what is saved can be ingested.
MAX_RESPONSE_BYTES = Limit(
    "VEILCLI_MAX_RESPONSE_BYTES", 64 * MIB, "bytes", "one answer of the OData service, decompressed"
)
MAX_DOWNLOAD_BYTES = Limit(
    "VEILCLI_MAX_DOWNLOAD_BYTES", 256 * MIB, "bytes", "all the answers of one download, decompressed"
)
MAX_DOWNLOAD_PAGES = Limit(
    "VEILCLI_MAX_DOWNLOAD_PAGES", 1000, "pages", "pages (odata.nextLink) of one download"
)
DOWNLOAD_LIMITS = (
    REQUEST_SECONDS,
    DOWNLOAD_SECONDS,
    MAX_RESPONSE_BYTES,
    MAX_DOWNLOAD_BYTES,
    MAX_DOWNLOAD_PAGES,
)
MAX_REDIRECTS = 5
MAX_DEPTH = 16  # an OData answer is three levels deep ({"value": [{...}]})
MAX_URL = 8192  # characters of a URL veilcli follows
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
_AGAIN = "the service may be busy or broken: try again later (--refresh skips the cache)"
_BY_HAND = "or download the table by hand from StatLine or data.politie.nl and `veilcli ingest` the file"


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
    notes: list[Note] = field(default_factory=list)


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


def shown_url(url: object) -> str:
    """A URL for a message: one printable line, cut short (a server chooses what its links hold)."""
    return short(url, 120)


# --- URLs: only the host the download started on ------------------------------------------------


@dataclass(frozen=True)
class Origin:
    """Where a download started: links and redirects are followed only to this host."""

    scheme: str
    host: str
    port: int

    @classmethod
    def of(cls, url: str) -> Origin:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        return cls(scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80))

    def allows(self, other: Origin) -> bool:
        """The same host and port, never from https to http; http may move up to https on its
        default port (the service's own upgrade)."""
        if other.host != self.host:
            return False
        if self.scheme == "https":
            return other.scheme == "https" and other.port == self.port
        if other.scheme == "http":
            return other.port == self.port
        return self.port == 80 and other.port == 443


def valid_url(url: str) -> str | None:
    """Why ``url`` is not an absolute http(s) URL veilcli can request (None: it is one)."""
    if len(url) > MAX_URL:
        return f"longer than {MAX_URL:,} characters"
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return "it holds spaces or control characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        return str(exc) or "it cannot be parsed"
    if parts.scheme.lower() not in ("http", "https"):
        return "not an http or https address"
    if not parts.hostname:
        return "it names no host"
    import httpx

    try:
        httpx.URL(url)
    except (httpx.InvalidURL, ValueError) as exc:
        return str(exc) or "httpx cannot request it"
    return None


def follow(origin: Origin, current: str, link: object, what: str) -> str:
    """The absolute URL of a redirect's ``Location`` or a page's ``odata.nextLink`` (relative to
    ``current``), or ``InputError`` when it is not a URL or leads to another host (``what``: 'its
    odata.nextLink', 'a redirect')."""
    where = shown_url(current)
    if not isinstance(link, str) or not link:
        raise InputError(
            f"{where}: {what} is not a URL ({short(link)!r}); nothing was written.", hint=_AGAIN + "."
        )
    try:
        target = urljoin(current, link)
    except ValueError:
        target = link
    why = valid_url(target)
    if why is not None:
        raise InputError(
            f"{where}: {what} {shown_url(link)!r} is not a valid URL ({short(why, 80)}); "
            "nothing was written.",
            hint=_AGAIN + ".",
        )
    other = Origin.of(target)
    if not origin.allows(other):
        if other.host != origin.host:
            why = f"to another host ({short(other.host, 60)})"
        elif origin.scheme == "https" and other.scheme != "https":
            why = "from https to http"
        else:
            why = f"to another port ({other.port})"
        raise InputError(
            f"{where}: {what} leads {why}; veilcli follows only "
            f"{origin.scheme}://{origin.host}:{origin.port}, so nothing was written.",
            hint="if the service really moved, give its address with --base-url; " + _BY_HAND + ".",
        )
    return target


# --- an answer: bounded in time and size ---------------------------------------------------------


class _Deadline:
    """The time one request may take. When it is up, the request's sockets are shut down, so a read
    that waits (a server sending a byte now and then, each within the read timeout) ends at once."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0.0), self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's trace extension: remember each connection's socket as it is made."""
        if event != "connection.connect_tcp.complete":
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class _Inflater:
    """The body of an answer as sent (``Content-Encoding``: none, gzip or deflate), decompressed here
    a bounded piece at a time: a gzip bomb is refused at the limit, never inflated whole."""

    def __init__(self, encoding: str, url: str) -> None:
        self.encoding, self.url = encoding, url
        self._zlib: Any = None
        if encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj()
            self._raw_deflate_tried = False

    def feed(self, data: bytes, room: int) -> Iterator[bytes]:
        """Decompressed pieces of ``data``; stops after more than ``room`` bytes (the caller refuses)."""
        if self._zlib is None:
            yield data
            return
        produced = 0
        while data and produced <= room:
            try:
                piece = self._zlib.decompress(data, room - produced + 1)
            except zlib.error as exc:
                if self.encoding == "deflate" and not self._raw_deflate_tried and not produced:
                    # Some servers send raw deflate without the zlib header (as browsers accept).
                    self._raw_deflate_tried = True
                    self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise self._not_encoded(exc) from None
            produced += len(piece)
            yield piece
            data = self._zlib.unconsumed_tail
            if self._zlib.eof and self._zlib.unused_data:
                if self.encoding == "deflate":
                    raise self._not_encoded(zlib.error("data after the end of the stream"))
                data = self._zlib.unused_data  # a gzip stream of several members
                self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def finish(self) -> None:
        """Refuse a compressed body that ends in the middle of its stream."""
        if self._zlib is not None and not self._zlib.eof:
            raise self._not_encoded(zlib.error("the compressed data ends early"))

    def _not_encoded(self, exc: zlib.error) -> InputError:
        return InputError(
            f"{shown_url(self.url)}: the answer says it is {self.encoding}-compressed "
            f"(Content-Encoding: {self.encoding}) but is not ({short(exc, 60)}); nothing was written.",
            hint=_AGAIN + ".",
        )


def _depth(document: object) -> int:
    """How deeply lists and objects nest in ``document`` (iterative: no recursion to run out of)."""
    deepest, stack = 0, [(document, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, level)
            if deepest > MAX_DEPTH:
                return deepest
            stack.extend((v, level + 1) for v in (value.values() if isinstance(value, dict) else value))
    return deepest


def parse_answer(body: bytes, url: str) -> dict[str, Any]:
    """An answer's JSON as an object, or ``InputError``: not JSON, nested deeper than an OData
    document ever is (json's own recursion gives out at ~1,000 levels), or not an object."""
    where = shown_url(url)
    try:
        document = json.loads(body)
    except RecursionError:
        document = None
        depth = MAX_DEPTH + 1
    except ValueError as exc:  # UnicodeDecodeError too
        raise InputError(f"{where}: the answer is not JSON ({short(exc, 60)}).", hint=_AGAIN + ".") from None
    else:
        depth = _depth(document)
    if depth > MAX_DEPTH:
        raise InputError(
            f"{where}: the answer is JSON nested more than {MAX_DEPTH} levels deep, not an OData document; "
            "nothing was written.",
            hint=_AGAIN + ".",
        )
    if not isinstance(document, dict):
        raise InputError(
            f"{where}: the answer is JSON but not an OData document (an object).", hint=_AGAIN + "."
        )
    return document


class _Budget:
    """What the whole download may still take: seconds and bytes."""

    def __init__(self) -> None:
        self.deadline = time.monotonic() + DOWNLOAD_SECONDS.value()
        self.bytes_left = MAX_DOWNLOAD_BYTES.value()

    def seconds_left(self, table: str) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise _download_too_slow(table)
        return left


def _download_too_slow(table: str) -> InputError:
    return InputError(
        f"table {table}: the download took more than {DOWNLOAD_SECONDS.value():,} s; nothing was written.",
        hint=f"narrow it with --area/--from/--to, or raise {DOWNLOAD_SECONDS.env}=N (README, 'Downloading').",
    )


class _Client:
    """GET JSON with timeouts, deadlines, size limits, retries and a disk cache; only from the host
    the download started on."""

    def __init__(self, table: str, origin: Origin, timeout: float, retries: int, cache: Path | None) -> None:
        import httpx  # only `download` needs it

        self.httpx = httpx
        self.table, self.origin = table, origin
        self.timeout = timeout
        self.client = httpx.Client(
            timeout=timeout,
            follow_redirects=False,  # followed here, to the start's host only
            headers={"Accept": "application/json", "Accept-Encoding": "gzip, deflate"},
            # A new connection per request: the deadline knows every request's socket.
            limits=httpx.Limits(max_keepalive_connections=0),
        )
        self.retries = retries
        self.cache = cache
        self.hits = 0
        self.budget = _Budget()
        self.notes: list[Note] = []
        if cache is not None:
            _sweep_cache(cache)

    def close(self) -> None:
        self.client.close()

    def get(
        self, url: str, what: str, check: Callable[[dict[str, Any], str], None] = lambda d, u: None
    ) -> dict[str, Any]:
        """The answer at ``url`` as a JSON object that passes ``check`` (which raises InputError);
        a cached answer that does not is discarded, with a note, and fetched again."""
        cached = self._cached(url, check)
        if cached is not None:
            self.hits += 1
            return cached
        body = self._fetch(url, what)
        document = parse_answer(body, url)
        check(document, url)
        self._store(url, body)
        return document

    def _fetch(self, url: str, what: str) -> bytes:
        httpx = self.httpx
        host = urlsplit(url).netloc
        last = ""
        for attempt in range(self.retries):
            left = self.budget.seconds_left(self.table)
            seconds = min(float(REQUEST_SECONDS.value()), left)
            deadline = _Deadline(seconds)
            try:
                with deadline:
                    return self._request(url, what, deadline)
            except httpx.TimeoutException:
                # Connect and read timeouts are cut to the deadline (no socket to shut down yet while
                # connecting): one that ends at the deadline is the deadline.
                if deadline.expired or seconds < self.timeout:
                    raise self._too_slow(url, seconds, left) from None
                last = f"no answer within {self.timeout:.0f} s"
            except httpx.ConnectError as exc:
                raise InputError(
                    f"cannot reach {host} ({exc.__class__.__name__}): this machine may be offline.",
                    hint="check the network or a proxy, " + _BY_HAND + ".",
                ) from exc
            except (httpx.TransportError, httpx.DecodingError) as exc:
                if deadline.expired:
                    raise self._too_slow(url, seconds, left) from None
                if "location header" in str(exc).lower():  # httpx parses a redirect's target itself
                    raise InputError(
                        f"{shown_url(url)}: a redirect is not a valid URL ({short(exc, 80)}); "
                        "nothing was written.",
                        hint=_AGAIN + ".",
                    ) from None
                last = f"the connection broke off: {exc.__class__.__name__}"
            except _Retry as retry:
                last = str(retry)
            if attempt + 1 < self.retries:
                time.sleep(min(0.2 * 2**attempt, 2.0, max(self.budget.deadline - time.monotonic(), 0)))
        raise InputError(f"{what}: {host} failed {self.retries} times ({last}).", hint=_AGAIN + ".")

    def _too_slow(self, url: str, seconds: float, left: float) -> InputError:
        if left <= seconds:  # the whole download's time ran out, not this request's
            return _download_too_slow(self.table)
        return InputError(
            f"{shown_url(url)}: no complete answer within {seconds:,.0f} s (the service sends too slowly); "
            "nothing was written.",
            hint=f"try again later, or raise {REQUEST_SECONDS.env}=N (README, 'Downloading').",
        )

    def _request(self, url: str, what: str, deadline: _Deadline) -> bytes:
        """One GET, its redirects followed (to the start's host, at most MAX_REDIRECTS, no loops)."""
        seen = [url]
        current = url
        while True:
            timeout = min(self.timeout, max(deadline.seconds, 0.001))
            request = self.client.stream(
                "GET", current, timeout=timeout, extensions={"trace": deadline.trace}
            )
            with request as response:
                if response.is_redirect:
                    target = follow(self.origin, current, response.headers.get("location"), "a redirect")
                    if target in seen:
                        raise InputError(
                            f"{shown_url(url)}: redirects in a loop (back to {shown_url(target)}); "
                            "nothing was written.",
                            hint=_AGAIN + "; " + _BY_HAND + ".",
                        )
                    if len(seen) > MAX_REDIRECTS:
                        raise InputError(
                            f"{shown_url(url)}: more than {MAX_REDIRECTS} redirects; nothing was written.",
                            hint=_AGAIN + "; " + _BY_HAND + ".",
                        )
                    seen.append(target)
                    current = target
                    continue
                self._status(response, what)
                return self._body(response, current)

    def _status(self, response: httpx.Response, what: str) -> None:
        host = response.url.netloc.decode("ascii", errors="replace")
        code = response.status_code
        if code == 404:
            raise InputError(
                f"{what}: not found at {host} (HTTP 404).",
                hint="check the table id; police tables (47xxxNED) are on dataderden.cbs.nl, "
                "CBS tables on opendata.cbs.nl (--base-url).",
            )
        if code >= 500 or code == 429:
            raise _Retry(f"HTTP {code}")
        if code >= 300:  # 4xx, and a 3xx without a Location
            raise InputError(f"{what}: {host} refused the request (HTTP {code}).")

    def _body(self, response: httpx.Response, url: str) -> bytes:
        """The decompressed body, within the answer's limit and what the download has left."""
        encodings = [e.strip().lower() for e in response.headers.get("content-encoding", "").split(",")]
        encodings = [e for e in encodings if e and e != "identity"]
        if len(encodings) > 1 or (encodings and encodings[0] not in ("gzip", "x-gzip", "deflate")):
            raise InputError(
                f"{shown_url(url)}: the answer is compressed as {short(', '.join(encodings), 40)}, which "
                "veilcli does not read (it asked for gzip or deflate); nothing was written.",
                hint=_AGAIN + ".",
            )
        limit = MAX_RESPONSE_BYTES if MAX_RESPONSE_BYTES.value() <= self.budget.bytes_left else None
        cap = MAX_RESPONSE_BYTES.value() if limit else self.budget.bytes_left
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise self._too_big(url, cap, limit)
        inflater = _Inflater(encodings[0] if encodings else "", url)
        pieces, size = [], 0
        for chunk in response.iter_raw():
            for piece in inflater.feed(chunk, cap - size):
                size += len(piece)
                if size > cap:
                    raise self._too_big(url, cap, limit)
                pieces.append(piece)
        inflater.finish()
        self.budget.bytes_left -= size
        return b"".join(pieces)

    def _too_big(self, url: str, cap: int, limit: Limit | None) -> InputError:
        if limit is None:  # what the whole download may take ran out first
            total = MAX_DOWNLOAD_BYTES
            return InputError(
                f"table {self.table}: the download is larger than {total.value():,} bytes (decompressed), "
                f"the limit; nothing was written.",
                hint=f"narrow it with --area/--from/--to, or raise {total.env}=N (README, 'Downloading').",
            )
        return InputError(
            f"{shown_url(url)}: the answer is larger than {cap:,} bytes (decompressed), the limit for one "
            "answer; nothing was written.",
            hint=f"narrow the download with --area/--from/--to, or raise {limit.env}=N "
            "(README, 'Downloading').",
        )

    # --- the cache ---------------------------------------------------------------------------------

    def _key(self, url: str) -> Path | None:
        return None if self.cache is None else self.cache / f"{hashlib.sha256(url.encode()).hexdigest()}.json"

    def _cached(self, url: str, check: Callable[[dict[str, Any], str], None]) -> dict[str, Any] | None:
        key = self._key(url)
        if key is None or not os.path.lexists(key):
            return None
        from veilcli.sources.files import read_file_bytes

        try:
            # A regular file within the answer limit (never a FIFO or /dev/zero planted there), an
            # OData object that passes the page's checks.
            document = parse_answer(read_file_bytes(key, MAX_RESPONSE_BYTES), url)
            check(document, url)
        except (InputError, OSError) as exc:
            reason = exc.message if isinstance(exc, InputError) else str(exc)
            with contextlib.suppress(OSError):
                if not key.is_dir() or key.is_symlink():  # the entry itself, never what a link names
                    key.unlink()
            self.notes.append(
                note("download_cache_discarded", path=str(key), reason=short(reason.split(": ", 1)[-1], 100))
            )
            return None
        return document

    def _store(self, url: str, body: bytes) -> None:
        key = self._key(url)
        if key is None:
            return
        from veilcli.files.atomic import write_atomic

        try:
            key.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(key, lambda tmp: _write_new(tmp, [body]))
        except (OSError, InputError):
            pass  # the cache is an optimisation: a read-only home does not stop a download


class _Retry(Exception):
    """An answer worth asking again for (HTTP 5xx, 429)."""


def _write_new(tmp: Path, parts: Iterator[bytes] | list[bytes]) -> str:
    """Write ``parts`` into ``tmp`` (just created exclusively by ``write_atomic``), never through a
    symlink put in its place since; their sha256."""
    digest = hashlib.sha256()
    fd = os.open(tmp, os.O_WRONLY | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "wb") as handle:
        for part in parts:
            handle.write(part)
            digest.update(part)
    return digest.hexdigest()


_CACHE_TEMP = re.compile(r"\.[0-9a-f]{64}\.tmp-(\d+)\.json")


def _sweep_cache(cache: Path) -> None:
    """Remove the cache's temporary files left by killed downloads (their process is gone)."""
    from veilcli.files.atomic import file_kind, pid_running

    with contextlib.suppress(OSError):
        for entry in cache.iterdir():
            match = _CACHE_TEMP.fullmatch(entry.name)
            if match and not pid_running(int(match.group(1))) and file_kind(entry) in ("file", "symlink"):
                with contextlib.suppress(OSError):
                    entry.unlink()


# --- the table ---------------------------------------------------------------------------------


def _properties_check(table: str) -> Callable[[dict[str, Any], str], None]:
    def check(document: dict[str, Any], url: str) -> None:
        properties = document.get("value")
        if not isinstance(properties, list) or not all(isinstance(p, dict) for p in properties):
            raise InputError(f"table {table}: its DataProperties are not an OData list.", hint=_AGAIN + ".")

    return check


def _dimensions(client: _Client, base: str, table: str) -> tuple[str | None, str | None]:
    """The table's region and period dimension keys, from ``DataProperties``."""
    document = client.get(
        f"{base}/{table}/DataProperties?$format=json", f"table {table}", _properties_check(table)
    )
    properties = document["value"]
    keys = []
    for kind in ("GeoDimension", "TimeDimension"):
        key = next((p.get("Key") for p in properties if p.get("Type") == kind), None)
        # The key goes into the $filter expression: a name, nothing a server could slip in.
        if key is not None and not (isinstance(key, str) and _IDENTIFIER.fullmatch(key)):
            raise InputError(
                f"table {table}: its DataProperties name the {kind} {short(key)!r}, not a column name.",
                hint=_AGAIN + ".",
            )
        keys.append(key)
    return keys[0], keys[1]


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


_SCALAR = (str, int, float, bool, type(None))


def _page_check(document: dict[str, Any], url: str) -> None:
    """A page is an OData list of flat records (what ``veilcli ingest`` reads)."""
    values = document.get("value")
    if not isinstance(values, list):
        raise InputError(
            f"{shown_url(url)}: the page is not an OData list of rows ('value').", hint=_AGAIN + "."
        )
    for number, row in enumerate(values, start=1):
        if not isinstance(row, dict) or not all(isinstance(v, _SCALAR) for v in row.values()):
            raise InputError(
                f"{shown_url(url)}: row {number:,} of the page is not a flat record (a value holds a list or "
                "an object); nothing was written.",
                hint=_AGAIN + ".",
            )


@dataclass
class _Saved:
    """What was written into the document so far."""

    rows: int = 0
    sha256: str = ""


def _provenance_of(target: Path, provenance: Path) -> bool:
    """Whether veilcli wrote ``target``: a regular file whose sha256 its ``.provenance`` records."""
    from veilcli.files.atomic import file_kind

    if file_kind(target) != "file" or file_kind(provenance) != "file":
        return False
    try:
        # Larger than any download veilcli saves (rows re-written, a little over the answers' bytes):
        # not one of its files, and not worth hashing.
        if provenance.stat().st_size > MIB or target.stat().st_size > MAX_DOWNLOAD_BYTES.value() * 2:
            return False
        record = json.loads(provenance.read_bytes())
        digest = hashlib.sha256()
        with target.open("rb") as handle:
            for block in iter(lambda: handle.read(MIB), b""):
                digest.update(block)
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(record, dict) and record.get("sha256") == digest.hexdigest()


def _may_write(target: Path, provenance: Path, force: bool) -> None:
    """Refuse to replace a file veilcli did not write (without ``force``): a user's own file at the
    download's name, or anything but a regular file."""
    from veilcli.files.atomic import file_kind, refuse_special

    refuse_special(target)
    refuse_special(provenance)
    if force or (file_kind(target) is None and file_kind(provenance) is None):
        return
    if file_kind(target) is None:
        # Only a provenance file: veilcli's when it reads as one (its table, URLs and sha256).
        try:
            record = json.loads(provenance.read_bytes()) if provenance.stat().st_size <= MIB else None
        except (OSError, ValueError, RecursionError):
            record = None
        if isinstance(record, dict) and {"table", "urls", "sha256"} <= record.keys():
            return
        taken = provenance
    elif _provenance_of(target, provenance):
        return
    else:
        taken = target
    raise InputError(
        f"{taken}: exists already and veilcli did not write it (no matching {provenance.name} beside "
        "it); nothing was downloaded.",
        hint="move it away, choose another folder with --out, or pass --force to replace it.",
    )


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
    force: bool = False,
) -> DownloadResult:
    """Fetch a table's rows (filtered on region codes and years), follow every page, save them as one
    OData JSON document with a provenance file beside it (replacing only files veilcli wrote, unless
    ``force``)."""
    table = _check_table(table)
    codes = [a.strip().upper() for a in areas or []]
    bad = [a for a in codes if not re.fullmatch(r"[A-Z]{2}\d{2,8}", a)]
    if bad:
        raise UsageError(f"--area {bad[0]!r}: give region codes (GM0034, RE03, WK003401).")
    if start is not None and end is not None and end < start:
        raise UsageError(f"--to {end} is before --from {start}.")
    base = (base_url or default_base(table)).rstrip("/")
    why = valid_url(base)
    if why is not None:
        raise UsageError(f"--base-url {shown_url(base)!r}: not a usable address ({short(why, 80)}).")
    for limit in DOWNLOAD_LIMITS:
        limit.value()  # a bad limit is a usage error before anything is fetched
    if not out_dir.is_dir():
        raise InputError(f"{out_dir}: folder does not exist.")
    stem = "_".join([table, "TypedDataSet", *codes, *([f"{start}-{end or ''}"] if start or end else [])])
    target = out_dir / f"{stem}.json"
    # Not a .json: `veilcli ingest FOLDER` reads data files only.
    provenance = target.with_name(f"{target.name}.provenance")
    _may_write(target, provenance, force)
    client = _Client(table, Origin.of(base), timeout, retries, cache_dir() if use_cache else None)
    try:
        geo, period = _dimensions(client, base, table)
        condition = _filter(geo, period, codes, start, end)
        first = f"{base}/{table}/TypedDataSet?$format=json" + (
            f"&$filter={quote(condition, safe='')}" if condition else ""
        )
        urls: list[str] = []
        saved = _Saved()

        def pages() -> Iterator[bytes]:
            """The saved document, a page of rows at a time (never every page in memory)."""
            url, metadata = first, None
            while url:
                if len(urls) >= MAX_DOWNLOAD_PAGES.value():
                    raise InputError(
                        f"table {table}: more than {MAX_DOWNLOAD_PAGES.value():,} pages; "
                        "nothing was written.",
                        hint=f"narrow it with --area/--from/--to, or raise {MAX_DOWNLOAD_PAGES.env}=N.",
                    )
                urls.append(url)
                page = client.get(url, f"table {table}", _page_check)
                if metadata is None:
                    given = page.get("odata.metadata")
                    metadata = given if isinstance(given, str) else f"{base}/{table}/$metadata#TypedDataSet"
                    yield b'{"odata.metadata": ' + json.dumps(metadata).encode() + b', "value": ['
                for row in page["value"]:
                    separator = b",\n" if saved.rows else b"\n"
                    yield separator + json.dumps(row, ensure_ascii=False).encode("utf-8")
                    saved.rows += 1
                link = page.get("odata.nextLink")
                if link is None or link == "":
                    break
                url = follow(client.origin, url, link, "its odata.nextLink")
                if url in urls:
                    raise InputError(
                        f"{shown_url(urls[-1])}: its odata.nextLink leads back to an earlier page "
                        f"({shown_url(url)}); nothing was written.",
                        hint=_AGAIN + ".",
                    )
            yield b"\n]}\n"

        from veilcli.files.atomic import write_atomic

        def write(tmp: Path) -> None:
            saved.sha256 = _write_new(tmp, pages())
            _may_write(target, provenance, force)  # a file put there while downloading is kept too

        write_atomic(target, write)
    finally:
        client.close()
    rows = saved.rows
    from_cache = client.hits == len(urls) + 1  # DataProperties and every page
    record: dict[str, object] = {
        "table": table,
        "base_url": base,
        "filter": condition or None,
        "urls": urls,
        "rows": rows,
        "downloaded_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "sha256": saved.sha256,
        "from_cache": from_cache,
    }
    provenance_bytes = (json.dumps(record, indent=2) + "\n").encode("utf-8")
    write_atomic(provenance, lambda tmp: _write_new(tmp, [provenance_bytes]))
    return DownloadResult(table, target, provenance, rows, len(urls), urls, from_cache, client.notes)
