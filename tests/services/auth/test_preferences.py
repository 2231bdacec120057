"""Each signed-in person reads and sets their own UI language (docs/adr/0031-languages.md)."""

from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import text

from mes.platform.testing import AuthHarness

A = "/api/v1/auth"
ME = f"{A}/me/preferences"
MakeUser = Callable[..., Awaitable[str]]


async def _languages(h: AuthHarness) -> dict[str, str | None]:
    async with h.db("auth").transaction() as s:
        rows = await s.execute(text("SELECT username, language FROM users"))
        return {r[0]: r[1] for r in rows}


async def test_each_role_sets_its_own_language_audited_and_it_survives_a_new_sign_in(
    auth_harness: AuthHarness, admin: dict[str, str], make_user: MakeUser
) -> None:
    h = auth_harness
    password = await make_user("olga", "operator")
    olga = await h.login("olga", password)
    r = await h.client.get(ME, headers=olga)
    assert r.status_code == 200 and r.json() == {"language": None}, r.text
    r = await h.client.put(ME, headers=olga, json={"language": "de"})
    assert r.status_code == 200 and r.json() == {"language": "de"}, r.text
    again = await h.login("olga", password)
    assert (await h.client.get(ME, headers=again)).json() == {"language": "de"}
    r = await h.client.get(f"{A}/audit", headers=admin, params={"entity_id": "olga"})
    entry = r.json()["items"][0]
    assert entry["action"] == "user.preferences_changed" and entry["actor"] == "olga"
    assert entry["old"] == {"language": None} and entry["new"] == {"language": "de"}
    # setting the same value again changes nothing and writes no audit entry
    assert (await h.client.put(ME, headers=again, json={"language": "de"})).status_code == 200
    r = await h.client.get(f"{A}/audit", headers=admin, params={"entity_id": "olga"})
    assert [e["action"] for e in r.json()["items"]].count("user.preferences_changed") == 1
    # back to following the browser
    r = await h.client.put(ME, headers=again, json={"language": None})
    assert r.status_code == 200 and r.json() == {"language": None}
    for role in ("viewer", "maintenance", "planner"):
        pw = await make_user(f"u-{role}", role)
        headers = await h.login(f"u-{role}", pw)
        r = await h.client.put(ME, headers=headers, json={"language": "es"})
        assert r.status_code == 200 and r.json() == {"language": "es"}, (role, r.text)


@pytest.mark.parametrize(
    "body",
    [{"language": "fr"}, {"language": "DE"}, {"language": "de-DE"}, {"language": 7}, {}, {"lang": "de"}],
)
async def test_an_unsupported_language_is_422_and_changes_nothing(
    auth_harness: AuthHarness, admin: dict[str, str], make_user: MakeUser, body: dict[str, object]
) -> None:
    h = auth_harness
    olga = await h.login("olga", await make_user("olga", "operator"))
    assert (await h.client.put(ME, headers=olga, json={"language": "es"})).status_code == 200
    r = await h.client.put(ME, headers=olga, json=body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "validation_failed"
    assert (await _languages(h))["olga"] == "es"


async def test_one_user_cannot_set_another_users_language(
    auth_harness: AuthHarness, admin: dict[str, str], make_user: MakeUser
) -> None:
    h = auth_harness
    olga = await h.login("olga", await make_user("olga", "operator"))
    paul = await h.login("paul", await make_user("paul", "operator"))
    assert (await h.client.put(ME, headers=olga, json={"language": "de"})).status_code == 200
    # the route takes no user name: extra fields naming someone else are refused, not obeyed
    r = await h.client.put(ME, headers=paul, json={"language": "es", "username": "olga"})
    assert r.status_code == 422
    assert (await h.client.put(ME, headers=paul, json={"language": "es"})).status_code == 200
    assert (await h.client.get(ME, headers=olga)).json() == {"language": "de"}
    assert (await h.client.get(ME, headers=paul)).json() == {"language": "es"}
    assert (await _languages(h))["olga"] == "de"
    # nor is there a route for another user's preferences
    r = await h.client.put(f"{A}/users/olga/preferences", headers=paul, json={"language": "es"})
    assert r.status_code in (404, 405)
    assert (await _languages(h))["olga"] == "de"
