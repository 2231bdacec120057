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
