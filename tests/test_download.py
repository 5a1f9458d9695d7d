"""`veilcli download` against a local OData server built to the documented v3 shapes."""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from werkzeug import Request, Response

from veilcli import api
from veilcli.cli import app
from veilcli.errors import InputError, UsageError
from veilcli.sources.download import download_table

TABLE = "47013NED"
PROPERTIES = {
    "odata.metadata": "x",
    "value": [
        {"Key": "SoortMisdrijf", "Type": "Dimension"},
        {"Key": "RegioS", "Type": "GeoDimension"},
        {"Key": "Perioden", "Type": "TimeDimension"},
        {"Key": "GeregistreerdeMisdrijven_1", "Type": "Topic"},
    ],
}


def row(n: int, period: str, count: int) -> dict[str, object]:
    return {
        "ID": n,
        "SoortMisdrijf": "1.2.1 ",
        "RegioS": "GM0034    ",
        "Perioden": period,
        "GeregistreerdeMisdrijven_1": count,
    }


@pytest.fixture(autouse=True)
def no_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VEILCLI_CACHE", str(tmp_path / "cache"))


def serve_table(server: HTTPServer, pages: list[list[dict[str, object]]]) -> None:
    """DataProperties, and TypedDataSet in pages: page N+1 is named by the previous page's nextLink."""
    base = server.url_for("/odata").rstrip("/")
    server.expect_request(f"/odata/{TABLE}/DataProperties").respond_with_json(PROPERTIES)

    def page(request: Request) -> Response:
        index = int(request.args.get("page", "1")) - 1
        document: dict[str, object] = {
            "odata.metadata": f"{base}/{TABLE}/$metadata#TypedDataSet",
            "value": pages[index],
        }
        if index + 1 < len(pages):
            document["odata.nextLink"] = f"{base}/{TABLE}/TypedDataSet?page={index + 2}"
        return Response(json.dumps(document), content_type="application/json")

    server.expect_request(f"/odata/{TABLE}/TypedDataSet").respond_with_handler(page)


def test_download_follows_pages_filters_and_ingests(httpserver: HTTPServer, tmp_path: Path) -> None:
    serve_table(httpserver, [[row(1, "2017MM01", 30), row(2, "2017MM02", 25)], [row(3, "2017MM03", 40)]])
    store = api.Store(tmp_path / "store")
    result, ingested = api.download(
        TABLE, tmp_path, store, areas=["GM0034"], start=2017, base_url=httpserver.url_for("/odata")
    )
    assert (result.rows, result.pages) == (3, 2)
    first = httpserver.log[1][0]  # after DataProperties
    assert first.args["$filter"] == "(startswith(RegioS,'GM0034')) and Perioden ge '2017'"
    document = json.loads(result.path.read_text(encoding="utf-8"))
    assert [r["ID"] for r in document["value"]] == [1, 2, 3] and "odata.nextLink" not in document
    provenance = json.loads(result.provenance.read_text(encoding="utf-8"))
    assert provenance["rows"] == 3 and len(provenance["urls"]) == 2 and provenance["table"] == TABLE
    assert ingested is not None and ingested.stored
    stored = ingested.sources[0]
    assert stored.rows_stored == 3 and stored.areas == ["Almere"] and stored.kind == "counts"


def test_a_second_download_comes_from_the_cache(httpserver: HTTPServer, tmp_path: Path) -> None:
    serve_table(httpserver, [[row(1, "2017MM01", 30)]])
    base = httpserver.url_for("/odata")
    download_table(TABLE, tmp_path, base_url=base)
    served = len(httpserver.log)
    again = download_table(TABLE, tmp_path, base_url=base)
    assert len(httpserver.log) == served and again.from_cache and again.rows == 1
    fresh = download_table(TABLE, tmp_path, base_url=base, use_cache=False)
    assert len(httpserver.log) == served + 2 and not fresh.from_cache


def test_unknown_table_is_404(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/odata/99999NED/DataProperties").respond_with_data("no", status=404)
    with pytest.raises(InputError, match=r"table 99999NED: not found .*HTTP 404"):
        download_table("99999NED", tmp_path, base_url=httpserver.url_for("/odata"))


def test_server_errors_are_retried_then_reported(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request(f"/odata/{TABLE}/DataProperties").respond_with_data("boom", status=500)
    with pytest.raises(InputError, match=r"failed 3 times \(HTTP 500\)"):
        download_table(TABLE, tmp_path, base_url=httpserver.url_for("/odata"))
    assert len(httpserver.log) == 3


def test_one_server_error_then_success(httpserver: HTTPServer, tmp_path: Path) -> None:
    calls = {"n": 0}

    def flaky(request: Request) -> Response:
        calls["n"] += 1
        if calls["n"] == 1:
            return Response("busy", status=503)
        return Response(json.dumps(PROPERTIES), content_type="application/json")

    httpserver.expect_request(f"/odata/{TABLE}/DataProperties").respond_with_handler(flaky)
    httpserver.expect_request(f"/odata/{TABLE}/TypedDataSet").respond_with_json(
        {"value": [row(1, "2017MM01", 1)]}
    )
    assert download_table(TABLE, tmp_path, base_url=httpserver.url_for("/odata")).rows == 1


def test_timeouts(httpserver: HTTPServer, tmp_path: Path) -> None:
    def slow(request: Request) -> Response:
        time.sleep(0.5)
        return Response(json.dumps(PROPERTIES), content_type="application/json")

    httpserver.expect_request(f"/odata/{TABLE}/DataProperties").respond_with_handler(slow)
    with pytest.raises(InputError, match=r"no answer within"):
        download_table(TABLE, tmp_path, base_url=httpserver.url_for("/odata"), timeout=0.1, retries=2)


def test_offline_is_one_clear_message(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = CliRunner().invoke(
        app,
        [
            "download",
            TABLE,
            "--base-url",
            f"http://127.0.0.1:{port}/odata",
            "--out",
            str(tmp_path),
            "--no-ingest",
        ],
    )
    assert result.exit_code == 2
    assert "cannot reach 127.0.0.1" in result.output and "offline" in result.output
    assert "Traceback" not in result.output


def test_bad_options(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a table id"):
        download_table("47013NED; drop", tmp_path)
    with pytest.raises(UsageError, match="give region codes"):
        download_table(TABLE, tmp_path, areas=["Almere"])
    with pytest.raises(UsageError, match="before --from"):
        download_table(TABLE, tmp_path, start=2019, end=2017)


# --- issue 21: the cache, the user's files, temporary files, origins, compression -----------------


def cache_entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix == ".json" and not p.name.startswith("."))


@pytest.mark.parametrize("damage", ["nested", "fifo", "dev-zero", "not-odata"])
def test_a_damaged_cache_entry_is_discarded_and_fetched_again(
    httpserver: HTTPServer, tmp_path: Path, damage: str
) -> None:
    """A cached answer nested 100,000 deep once crashed the next download (RecursionError, exit 70);
    a FIFO or /dev/zero planted there would hang it. Each is removed, said in a note, and fetched."""
    serve_table(httpserver, [[row(1, "2017MM01", 30)], [row(2, "2017MM02", 25)]])
    base = httpserver.url_for("/odata")
    cache = tmp_path / "cache"
    download_table(TABLE, tmp_path, base_url=base)
    entries = cache_entries(cache)
    assert len(entries) == 3  # DataProperties and two pages
    served = len(httpserver.log)
    page = entries[0]
    page.unlink()
    if damage == "nested":
        page.write_bytes(b'{"value": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    elif damage == "fifo":
        os.mkfifo(page)
    elif damage == "dev-zero":
        page.symlink_to("/dev/zero")
    else:
        page.write_text('{"value": 3}', encoding="utf-8")
    result = CliRunner().invoke(
        app, ["download", TABLE, "--base-url", base, "--out", str(tmp_path), "--no-ingest"]
    )
    assert result.exit_code == 0, result.output
    assert "note: a cached answer could not be used" in result.stderr and str(page) in result.stderr
    assert len(httpserver.log) == served + 1  # that one answer fetched again, the others cached
    document = json.loads((tmp_path / f"{TABLE}_TypedDataSet.json").read_text(encoding="utf-8"))
    assert [r["ID"] for r in document["value"]] == [1, 2]
    assert page.is_file() and not page.is_symlink()  # the fresh answer is cached in its place
    again = download_table(TABLE, tmp_path, base_url=base)
    assert again.from_cache and again.notes == []


def test_a_users_file_at_the_target_name_is_never_replaced_without_force(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    serve_table(httpserver, [[row(1, "2017MM01", 30)]])
    base = httpserver.url_for("/odata")
    target = tmp_path / f"{TABLE}_TypedDataSet.json"
    target.write_text("my own notes", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["download", TABLE, "--base-url", base, "--out", str(tmp_path), "--no-ingest"]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {target}: exists already and veilcli did not write it")
    assert "--force" in result.stderr and len(result.stderr.splitlines()) == 2
    assert target.read_text(encoding="utf-8") == "my own notes" and len(httpserver.log) == 0  # nothing asked
    # A provenance that does not match the file (one veilcli wrote for other rows): still the user's.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    first = download_table(TABLE, elsewhere, base_url=base)
    (tmp_path / first.provenance.name).write_bytes(first.provenance.read_bytes())
    with pytest.raises(InputError, match="exists already"):
        download_table(TABLE, tmp_path, base_url=base)
    # --force replaces it.
    forced = download_table(TABLE, tmp_path, base_url=base, force=True)
    assert json.loads(forced.path.read_text(encoding="utf-8"))["value"][0]["ID"] == 1


def test_a_file_veilcli_wrote_is_replaced_by_the_next_download(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    serve_table(httpserver, [[row(1, "2017MM01", 30)]])
    base = httpserver.url_for("/odata")
    first = download_table(TABLE, tmp_path, base_url=base)
    second = download_table(TABLE, tmp_path, base_url=base, use_cache=False)
    assert second.path == first.path and json.loads(second.provenance.read_text())["from_cache"] is False


def test_a_users_provenance_file_is_not_replaced(httpserver: HTTPServer, tmp_path: Path) -> None:
    serve_table(httpserver, [[row(1, "2017MM01", 30)]])
    provenance = tmp_path / f"{TABLE}_TypedDataSet.json.provenance"
    provenance.write_text("where I got it", encoding="utf-8")
    with pytest.raises(InputError, match=r"provenance: exists already"):
        download_table(TABLE, tmp_path, base_url=httpserver.url_for("/odata"))
    assert provenance.read_text(encoding="utf-8") == "where I got it"


def test_temporary_files_are_never_written_through_a_planted_symlink(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    """Symlinks planted at the temporary names of the document and of a cache entry (this process's
    pid) point at a victim file: the victim is untouched, each file lands as a regular file."""
    import hashlib

    serve_table(httpserver, [[row(1, "2017MM01", 30)]])
    base = httpserver.url_for("/odata")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    cache = tmp_path / "cache"
    cache.mkdir()
    properties = f"{base}/{TABLE}/DataProperties?$format=json"
    key = hashlib.sha256(properties.encode()).hexdigest()
    for name in (f".{key}.tmp-{os.getpid()}.json", f".{key}.json.tmp-{os.getpid()}"):  # today's, and 0.1's
        (cache / name).symlink_to(victim)
    out = tmp_path / "out"
    out.mkdir()
    (out / f".{TABLE}_TypedDataSet.tmp-{os.getpid()}.json").symlink_to(victim)
    result = download_table(TABLE, out, base_url=base)
    assert victim.read_text(encoding="utf-8") == "precious"
    assert result.path.is_file() and not result.path.is_symlink()
    assert (cache / f"{key}.json").is_file() and not (cache / f"{key}.json").is_symlink()
    assert sorted(p.name for p in out.iterdir()) == [result.path.name, result.provenance.name]


def test_only_the_start_host_is_followed() -> None:
    from veilcli.sources.download import Origin, follow

    https = Origin.of("https://dataderden.cbs.nl/ODataApi/OData")
    http = Origin.of("http://dataderden.cbs.nl/ODataApi/OData")
    assert https.allows(Origin.of("https://DataDerden.cbs.nl:443/x"))  # host names in any case
    assert not https.allows(Origin.of("http://dataderden.cbs.nl/x"))  # never down to http
    assert not https.allows(Origin.of("https://dataderden.cbs.nl:8443/x"))
    assert http.allows(Origin.of("https://dataderden.cbs.nl/x"))  # the service's own upgrade
    assert not http.allows(Origin.of("http://opendata.cbs.nl/x"))
    page = "https://dataderden.cbs.nl/ODataApi/OData/47013NED/TypedDataSet?$skip=0"
    # A relative nextLink is read against the page it is on.
    assert follow(https, page, "TypedDataSet?$skip=10000", "its odata.nextLink").endswith(
        "/47013NED/TypedDataSet?$skip=10000"
    )
    with pytest.raises(InputError, match=r"leads from https to http"):
        follow(https, page, "http://dataderden.cbs.nl/x", "its odata.nextLink")
    with pytest.raises(InputError, match=r"leads to another host \(169\.254\.169\.254\)"):
        follow(https, page, "https://169.254.169.254/latest/meta-data", "a redirect")


@pytest.mark.parametrize("encoding", ["gzip", "gzip-members", "deflate", "deflate-raw"])
def test_compressed_answers_are_read(httpserver: HTTPServer, tmp_path: Path, encoding: str) -> None:
    import zlib

    body = json.dumps({"value": [row(1, "2017MM01", 30), row(2, "2017MM02", 25)]}).encode()
    if encoding == "gzip":
        data, header = zlib.compress(body, wbits=31), "gzip"
    elif encoding == "gzip-members":  # two gzip members, one after the other (RFC 1952)
        data, header = zlib.compress(body[:20], wbits=31) + zlib.compress(body[20:], wbits=31), "gzip"
    elif encoding == "deflate":
        data, header = zlib.compress(body), "deflate"
    else:  # raw deflate, no zlib header, as some servers send it
        data, header = zlib.compress(body, wbits=-15), "deflate"
    httpserver.expect_request(f"/odata/{TABLE}/DataProperties").respond_with_json(PROPERTIES)
    httpserver.expect_request(f"/odata/{TABLE}/TypedDataSet").respond_with_data(
        data, headers={"Content-Encoding": header}, content_type="application/json"
    )
    result = download_table(TABLE, tmp_path, base_url=httpserver.url_for("/odata"), use_cache=False)
    assert result.rows == 2
    assert httpserver.log[1][0].headers["Accept-Encoding"] == "gzip, deflate"  # nothing veilcli cannot read


def test_the_download_limits_are_in_the_readme() -> None:
    from veilcli.sources.download import DOWNLOAD_LIMITS

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert [limit.env for limit in DOWNLOAD_LIMITS if f"`{limit.env}`" not in readme] == []
