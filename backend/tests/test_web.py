"""The built web app as `make run` serves it: precompressed siblings chosen by Accept-Encoding."""

from __future__ import annotations

import gzip
from pathlib import Path

import httpx
import pytest

from taskapp.http.headers import API_CSP, HTML_CSP
from taskapp.web import accepted_encodings
from tests.conftest import assert_problem

INDEX = b"<!doctype html><title>taskapp</title><div id=root></div>" * 20
SCRIPT = b"console.log('taskapp');\n" * 200
# Stand-in brotli bytes: the server must send the sibling's bytes untouched, whatever they hold.
SCRIPT_BR = b"\x8b\x03brotli-encoded-script"
PLAIN = b"export const plain = 1;\n"
IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture
def tmp_web_dir(tmp_path: Path) -> Path:
    """In place of conftest's: a build with the compressed siblings and files these tests serve."""
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / ".vite").mkdir()
    (dist / "index.html").write_bytes(INDEX)
    (dist / "index.html.gz").write_bytes(gzip.compress(INDEX))
    (dist / "assets" / "app-abc123.js").write_bytes(SCRIPT)
    (dist / "assets" / "app-abc123.js.gz").write_bytes(gzip.compress(SCRIPT))
    (dist / "assets" / "app-abc123.js.br").write_bytes(SCRIPT_BR)
    (dist / "assets" / "plain-def456.js").write_bytes(PLAIN)
    (dist / ".vite" / "manifest.json").write_text("{}")
    (dist / "sw.js").write_bytes(b"self.addEventListener('fetch', () => {});\n")
    (dist / "boot.js").write_bytes(b"(function () {})();\n")
    return dist


async def raw_get(
    http: httpx.AsyncClient, path: str, accept_encoding: str, **headers: str
) -> tuple[httpx.Response, bytes]:
    """The response and its body as sent on the wire (httpx would otherwise decode gzip)."""
    request = http.build_request(
        "GET", path, headers={"Accept-Encoding": accept_encoding, **headers}
    )
    response = await http.send(request, stream=True)
    body = b"".join([chunk async for chunk in response.aiter_raw()])
    await response.aclose()
    return response, body


def varies_on_encoding(response: httpx.Response) -> bool:
    # Other middleware (CORS) adds its own names to Vary.
    return "accept-encoding" in {v.strip().lower() for v in response.headers["vary"].split(",")}


def assert_immutable_per_encoding(response: httpx.Response) -> None:
    """A hashed asset: cached for a year, apart for each Accept-Encoding (it picks the body)."""
    assert varies_on_encoding(response)
    assert response.headers["cache-control"] == IMMUTABLE


def assert_sent_as_stored(response: httpx.Response, body: bytes, stored: bytes) -> None:
    """The file itself went out: no content-encoding, the bytes as they are on disk."""
    assert body == stored
    assert "content-encoding" not in response.headers


async def test_a_client_that_accepts_brotli_gets_the_br_sibling(
    web_http: httpx.AsyncClient,
) -> None:
    response, body = await raw_get(web_http, "/assets/app-abc123.js", "gzip, deflate, br, zstd")
    assert response.status_code == 200
    assert body == SCRIPT_BR
    assert response.headers["content-encoding"] == "br"
    assert response.headers["content-length"] == str(len(SCRIPT_BR))
    assert response.headers["content-type"].split(";")[0] in {
        "text/javascript",
        "application/javascript",
    }
    assert_immutable_per_encoding(response)


async def test_a_client_that_accepts_only_gzip_gets_the_gz_sibling(
    web_http: httpx.AsyncClient,
) -> None:
    response, body = await raw_get(web_http, "/assets/app-abc123.js", "br;q=0, gzip")
    assert response.headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == SCRIPT
    assert_immutable_per_encoding(response)


async def test_a_client_that_accepts_no_encoding_gets_the_file_itself(
    web_http: httpx.AsyncClient,
) -> None:
    response, body = await raw_get(web_http, "/assets/app-abc123.js", "identity")
    assert_sent_as_stored(response, body, SCRIPT)
    # A shared cache must not hand this body to a client that accepts br, nor the reverse.
    assert_immutable_per_encoding(response)


async def test_revalidating_a_compressed_asset_is_a_304(web_http: httpx.AsyncClient) -> None:
    first, _ = await raw_get(web_http, "/assets/app-abc123.js", "br")
    again, body = await raw_get(
        web_http, "/assets/app-abc123.js", "br", **{"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert body == b""
    assert again.headers["cache-control"] == IMMUTABLE
    assert varies_on_encoding(again)
    # Each encoding is its own representation: a gzip body's validator is not the brotli one's.
    gz, _ = await raw_get(web_http, "/assets/app-abc123.js", "gzip")
    assert gz.headers["etag"] != first.headers["etag"]


async def test_the_app_shell_is_compressed_and_revalidated(web_http: httpx.AsyncClient) -> None:
    index, body = await raw_get(web_http, "/", "gzip")
    deep_link, deep_body = await raw_get(web_http, "/tasks/board?status=done", "gzip")
    again, _ = await raw_get(web_http, "/", "gzip", **{"If-None-Match": index.headers["etag"]})
    for response in (index, deep_link):
        assert response.status_code == 200
        assert response.headers["content-encoding"] == "gzip"
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert response.headers["cache-control"] == "no-cache"
    assert gzip.decompress(body) == gzip.decompress(deep_body) == INDEX
    assert again.status_code == 304
    assert again.headers["cache-control"] == "no-cache"


async def test_head_sends_the_compressed_length_and_no_body(web_http: httpx.AsyncClient) -> None:
    request = web_http.build_request(
        "HEAD", "/assets/app-abc123.js", headers={"Accept-Encoding": "br"}
    )
    response = await web_http.send(request, stream=True)
    body = b"".join([chunk async for chunk in response.aiter_raw()])
    assert response.status_code == 200
    assert body == b""
    assert response.headers["content-encoding"] == "br"
    assert response.headers["content-length"] == str(len(SCRIPT_BR))


async def test_a_file_without_a_precompressed_sibling_is_sent_as_is(
    web_http: httpx.AsyncClient,
) -> None:
    response, body = await raw_get(web_http, "/assets/plain-def456.js", "gzip, br")
    assert_sent_as_stored(response, body, PLAIN)
    assert response.headers["cache-control"] == IMMUTABLE


async def test_the_build_manifest_is_not_served(web_http: httpx.AsyncClient) -> None:
    assert_problem(await web_http.get("/.vite/manifest.json"), 404)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", set()),
        ("gzip, deflate, br", {"gzip", "deflate", "br"}),
        ("br;q=0, gzip;q=0.5", {"gzip"}),
        ("*", {"br", "gzip"}),
        ("*, br;q=0", {"gzip"}),
        ("GZIP ; q=1.0", {"gzip"}),
        ("gzip;q=oops", set()),
    ],
)
def test_accept_encoding_is_read_with_its_q_values(header: str, expected: set[str]) -> None:
    assert accepted_encodings(header) == expected


async def test_the_service_worker_is_revalidated_and_may_fetch_the_app(
    web_http: httpx.AsyncClient,
) -> None:
    # A service worker runs under the CSP of its own script: the API's default-src 'none' refused
    # its precache fetches (it never installed), and a cached copy would keep an old worker.
    response = await web_http.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["content-security-policy"] == HTML_CSP
    other = await web_http.get("/boot.js")  # any other script keeps the strict JSON-era policy
    assert other.headers["content-security-policy"] == API_CSP
