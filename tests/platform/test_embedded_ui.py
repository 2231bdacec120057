"""`mes up` serves the built web UI at `/` next to the API: files, SPA fallback for page loads, 404s kept."""

from pathlib import Path

import httpx
import pytest

from mes.platform.embedded import build_embedded_app
from mes.platform.settings import Settings

HTML = "text/html,application/xhtml+xml,*/*;q=0.8"


@pytest.fixture
def ui_dir(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><div id=root></div>")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log('ui')")
    return tmp_path


def _client(ui_dir: Path | None) -> httpx.AsyncClient:
    app = build_embedded_app([], Settings(), {}, ui_dir=ui_dir)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mes")


async def test_root_and_client_routes_get_index_html(ui_dir: Path) -> None:
    async with _client(ui_dir) as c:
        root = await c.get("/")
        deep = await c.get("/material/lots/LOT.2026.1", headers={"accept": HTML})
    for r in (root, deep):
        assert r.status_code == 200
        assert r.text == "<!doctype html><div id=root></div>"
        assert r.headers["cache-control"] == "no-cache"
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


async def test_assets_are_served_and_cached_for_good(ui_dir: Path) -> None:
    async with _client(ui_dir) as c:
        r = await c.get("/assets/index-abc123.js")
    assert r.status_code == 200
    assert r.text == "console.log('ui')"
    assert "immutable" in r.headers["cache-control"]


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/api/v1/nosuchservice/things", HTML),  # an API path never falls back to the UI
        ("/assets/missing-123.js", HTML),  # a missing asset is a 404, not HTML parsed as a script
        ("/no/such/page", "*/*"),  # not a browser's page load
    ],
)
async def test_what_is_not_a_page_load_keeps_its_problem_404(ui_dir: Path, path: str, accept: str) -> None:
    async with _client(ui_dir) as c:
        r = await c.get(path, headers={"accept": accept})
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"


async def test_without_a_build_there_is_no_ui(tmp_path: Path) -> None:
    async with _client(tmp_path) as c:
        r = await c.get("/", headers={"accept": HTML})
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"


async def test_health_is_not_shadowed_by_the_ui(ui_dir: Path) -> None:
    async with _client(ui_dir) as c:
        r = await c.get("/health", headers={"accept": HTML})
    assert r.status_code == 200
    assert r.json()["status"] == "ok"


@pytest.fixture
def compressed_ui(ui_dir: Path) -> Path:
    """What the web build writes: big text files with their .br and .gz beside them, no maps."""
    import gzip

    script = ("console.log('a UI big enough to be worth compressing');\n" * 200).encode()
    (ui_dir / "assets" / "app-f00d.js").write_bytes(script)
    (ui_dir / "assets" / "app-f00d.js.gz").write_bytes(gzip.compress(script))
    # a stand-in for brotli's output (the server only chooses and labels the stored file)
    (ui_dir / "assets" / "app-f00d.js.br").write_bytes(b"brotli-bytes")
    (ui_dir / "assets" / "app-f00d.js.map").write_text('{"sources": ["src/secret.ts"]}')
    return ui_dir


async def test_a_pre_compressed_asset_goes_to_a_browser_that_accepts_it(compressed_ui: Path) -> None:
    async with _client(compressed_ui) as c:
        async with c.stream("GET", "/assets/app-f00d.js", headers={"accept-encoding": "gzip, br"}) as br:
            raw = b"".join([chunk async for chunk in br.aiter_raw()])  # as stored, not decoded
        gz = await c.get("/assets/app-f00d.js", headers={"accept-encoding": "gzip"})
        plain = await c.get("/assets/app-f00d.js", headers={"accept-encoding": "identity"})
    assert br.headers["content-encoding"] == "br"
    assert raw == b"brotli-bytes"
    assert gz.headers["content-encoding"] == "gzip"
    assert gz.text == plain.text == (compressed_ui / "assets" / "app-f00d.js").read_text()
    assert "content-encoding" not in plain.headers
    for r in (br, gz):
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/javascript")
        assert r.headers["vary"] == "Accept-Encoding"
        assert "immutable" in r.headers["cache-control"]  # hashed assets stay cacheable
        assert r.headers["x-content-type-options"] == "nosniff"


async def test_no_source_map_is_served(compressed_ui: Path) -> None:
    async with _client(compressed_ui) as c:
        r = await c.get("/assets/app-f00d.js.map")
    assert r.status_code == 404


async def test_the_ui_keeps_its_own_policy_and_the_root_endpoints_get_the_api_headers(ui_dir: Path) -> None:
    async with _client(ui_dir) as c:
        page = await c.get("/")
        health = await c.get("/health")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "same-origin"
    assert page.headers["cache-control"] == "no-cache"
    assert health.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert health.headers["x-content-type-options"] == "nosniff"
    assert health.headers["referrer-policy"] == "no-referrer"
