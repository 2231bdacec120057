"""The typed service client: in process when embedded, errors passed on as problems."""

import pytest

from mes.platform.errors import ServiceUnavailable
from mes.platform.http import RemoteError, ServiceDirectory
from mes.platform.testing import Harness, free_port
from mes.services.resource.schemas import EquipmentRead


async def test_in_process_call_carries_the_callers_identity(harness: Harness) -> None:
    token = harness.keys.token("resource:equipment:write", "resource:read", sub="planner-1")
    await harness.client.post(
        "/api/v1/resource/equipment",
        headers={"Authorization": f"Bearer {token}"},
        json={"code": "ACME", "name": "Acme", "level": "enterprise"},
    )
    client = ServiceDirectory(asgi_app=harness.app).client("resource")
    eq = await client.get_model("/api/v1/resource/equipment/ACME", EquipmentRead, token=token)
    assert eq.created_by == "planner-1"
    assert eq.path == "ACME"


async def test_remote_problem_keeps_status_and_code(harness: Harness) -> None:
    client = ServiceDirectory(asgi_app=harness.app).client("resource")
    with pytest.raises(RemoteError) as e:
        await client.get_json("/api/v1/resource/equipment/NOPE", token=harness.keys.token("resource:read"))
    assert e.value.status == 404
    assert e.value.code == "equipment_not_found"
    with pytest.raises(RemoteError) as e:
        await client.get_json("/api/v1/resource/equipment/NOPE")
    assert e.value.status == 401


async def test_unreachable_service_is_503() -> None:
    directory = ServiceDirectory(urls={"resource": f"http://127.0.0.1:{free_port()}"}, timeout_s=1)
    try:
        with pytest.raises(ServiceUnavailable) as e:
            await directory.client("resource").get_json("/api/v1/resource/health")
        assert e.value.code == "upstream_unreachable"
    finally:
        await directory.close()
