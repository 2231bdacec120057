"""People follow their auth users: created when the user is, refused once the user is deactivated."""

from mes.contracts.auth import UserCreated, UserDeactivated, UserReactivated
from mes.platform.testing import Harness

from .conftest import Seed, call, publish

CHECK = {"username": "op-kim", "equipment_code": "PRESS-4", "skills": []}


async def test_person_follows_the_auth_user(harness: Harness, plant: Seed) -> None:
    await plant()
    await publish(
        harness, UserCreated(username="op-kim", actor="admin", display_name="Kim Park", roles=["operator"])
    )
    assert (await call(harness, "GET", "/persons/op-kim"))["name"] == "Kim Park"
    assert (await call(harness, "POST", "/authorizations/check", CHECK))["allowed"]
    await publish(harness, UserDeactivated(username="op-kim", actor="admin", reason="left the company"))
    refused = await call(harness, "POST", "/authorizations/check", CHECK)
    assert refused["reasons"] == [{"code": "person_unknown", "detail": "op-kim is not active."}]
    await publish(harness, UserReactivated(username="op-kim", actor="admin", reason=None))
    assert (await call(harness, "POST", "/authorizations/check", CHECK))["allowed"]
    # a deactivation of a user the plant never had as a person creates nobody
    await publish(harness, UserDeactivated(username="visitor", actor="admin", reason=None))
    r = await harness.client.get("/api/v1/resource/persons/visitor", headers=harness.auth("resource:read"))
    assert r.status_code == 404
