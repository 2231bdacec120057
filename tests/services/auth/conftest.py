from collections.abc import Awaitable, Callable

import pytest

from mes.platform.testing import AuthHarness
from mes.services.auth.config import auth_settings
from mes.services.auth.service.bootstrap import bootstrap_admin

A = "/api/v1/auth"
ADMIN_PASSWORD = "correct-horse-battery-2026"
USER_PASSWORD = "blue-lathe-turns-42"


@pytest.fixture(autouse=True)
def _fresh_auth_settings() -> object:
    # tests change MES_* variables with monkeypatch; the cached settings must follow them
    auth_settings.cache_clear()
    yield
    auth_settings.cache_clear()


@pytest.fixture
async def admin(auth_harness: AuthHarness) -> dict[str, str]:
    """Bearer headers of the first administrator, logged in through the API."""
    assert await bootstrap_admin(auth_harness.db("auth"), "admin", ADMIN_PASSWORD)
    return await auth_harness.login("admin", ADMIN_PASSWORD)


MakeUser = Callable[..., Awaitable[str]]


@pytest.fixture
def make_user(auth_harness: AuthHarness, admin: dict[str, str]) -> MakeUser:
    """Creates a user through the API as the administrator; returns the password."""

    async def make(username: str, *roles: str, password: str | None = None) -> str:
        password = password or USER_PASSWORD
        body = {
            "username": username,
            "display_name": username.title(),
            "password": password,
            "roles": list(roles),
        }
        r = await auth_harness.client.post(f"{A}/users", headers=admin, json=body)
        assert r.status_code == 201, r.text
        return password

    return make
