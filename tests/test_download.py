"""`veilcli download` against a local OData server built to the documented v3 shapes."""

from __future__ import annotations

import json
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
