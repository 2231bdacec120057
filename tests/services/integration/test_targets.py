"""SSRF protection: webhook and ERP targets must be public addresses unless an installation allows
its private ones; checked when a subscription is created and again at every delivery."""

import ipaddress
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from mes.platform.db import Database
from mes.platform.testing import Harness, free_port
from mes.services.integration.config import integration_settings
from mes.services.integration.models.targets import TargetPolicy
from mes.services.integration.service.webhooks import send_due

from .conftest import ALL, API, call
from .receiver import Receiver
from .test_webhooks import TOPICS, order_events, publish

REFUSED = [
    "http://127.0.0.1:8080/hooks",
    "http://127.8.9.10/hooks",
    "http://10.1.2.3/hooks",
    "http://172.16.0.1/hooks",
    "http://192.168.1.20:8443/erp",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/hooks",
    "http://0.0.0.0:9000/hooks",
    "http://[::1]:8080/hooks",
    "http://[fe80::1]/hooks",
    "http://[fd00::5]/hooks",
    "http://[::ffff:127.0.0.1]/hooks",
    "http://[::ffff:169.254.169.254]/hooks",
    "https://localhost:8443/hooks",  # a name that resolves to loopback
]


def policy(monkeypatch: pytest.MonkeyPatch, allowed: str = "", private: bool = False) -> None:
    monkeypatch.setenv("MES_INTEGRATION_ALLOWED_TARGETS", allowed)
    monkeypatch.setenv("MES_INTEGRATION_ALLOW_PRIVATE_TARGETS", "true" if private else "false")
    integration_settings.cache_clear()


def subscription(name: str, url: str) -> dict:
    return {"name": name, "url": url, "event_types": TOPICS, "retry_base_s": 0.01, "retry_max_s": 0.02}


async def create(h: Harness, body: dict) -> tuple[int, dict]:
    r = await h.client.post(f"{API}/subscriptions", json=body, headers=h.auth(*ALL, sub="integrator"))
    return r.status_code, r.json()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(free_port())
    r.up()
    yield r
    r.down()


async def test_private_loopback_and_metadata_targets_are_refused_by_default(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy(monkeypatch)
    for i, url in enumerate(REFUSED):
        status, problem = await create(harness, subscription(f"hook-{i}", url))
        assert status == 422, (url, problem)
        assert problem["code"] == "target_refused", (url, problem)
        assert "MES_INTEGRATION_ALLOWED_TARGETS" in problem["detail"]
    assert (await call(harness, "GET", "/subscriptions"))["total"] == 0  # nothing was stored


async def test_allowed_by_the_allow_list_or_the_switch(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy(monkeypatch, allowed="10.20.0.0/16, erp.plant.lan, localhost, fd00::/8")
    for i, url in enumerate(
        ["http://10.20.3.4/erp", "https://localhost:8443/hooks", "http://[fd00::5]/hooks"]
    ):
        status, body = await create(harness, subscription(f"ok-{i}", url))
        assert status == 201, (url, body)
    status, problem = await create(harness, subscription("other-net", "http://10.21.0.1/erp"))
    assert status == 422 and problem["code"] == "target_refused"

    policy(monkeypatch, private=True)
    status, body = await create(harness, subscription("metadata", "http://169.254.169.254/"))
    assert status == 201, body


def test_public_addresses_pass_and_mapped_addresses_are_unwrapped() -> None:
    p = TargetPolicy.parse(False, "")
    assert p.refusal("erp.example.com", ipaddress.ip_address("93.184.216.34")) is None
    assert p.refusal("erp.example.com", ipaddress.ip_address("2606:2800:220:1::1")) is None
    assert p.refusal("x", ipaddress.ip_address("::ffff:10.0.0.1")) is not None
    assert p.refusal("x", ipaddress.ip_address("fe80::1")) is not None


async def test_the_target_is_checked_again_at_every_delivery(
    harness: Harness, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    await call(harness, "POST", "/subscriptions", subscription("erp-hooks", receiver.url))
    await publish(harness, order_events("WO-1")[0])
    db = harness.db("integration")

    policy(monkeypatch)  # the allow-list no longer holds the receiver's address
    assert await send_due(db) == 0
    assert receiver.received == []
    (d,) = (await call(harness, "GET", "/subscriptions/erp-hooks/deliveries"))["items"]
    assert d["status"] == "pending" and d["last_status"] is None
    assert d["last_error"].startswith("target_refused: 127.0.0.1 is a loopback address")

    policy(monkeypatch, allowed="127.0.0.1/32")
    await publish(harness, order_events("WO-1")[1])
    await _until_sent(db, 2)
    assert len(receiver.received) == 2
    assert receiver.received[0][0]["host"] == f"127.0.0.1:{receiver.port}"


async def test_a_redirect_is_never_followed(
    harness: Harness, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = Receiver(free_port())
    target.up()
    try:
        receiver.redirect_to = target.url  # allowed itself, and still not followed
        await call(harness, "POST", "/subscriptions", subscription("erp-hooks", receiver.url))
        await publish(harness, order_events("WO-1")[0])
        assert await send_due(harness.db("integration")) == 0
        (d,) = (await call(harness, "GET", "/subscriptions/erp-hooks/deliveries"))["items"]
        assert d["last_status"] == 307 and "redirects are not followed" in d["last_error"]
        assert target.received == [] and receiver.received == []
    finally:
        target.down()


async def _until_sent(db: Database, n: int) -> None:
    sent = 0
    for i in range(50):
        sent += await send_due(db, now=datetime.now(UTC) + timedelta(seconds=i + 1))
        if sent >= n:
            return
    raise AssertionError(f"{sent} of {n} deliveries sent")


async def test_a_url_with_a_port_that_is_no_number_is_a_422_not_a_500(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by the schemathesis run: urlsplit reads the port only when asked, and raised."""
    policy(monkeypatch)
    for i, url in enumerate(["https://_\u00d4\u009e:U\u00f6`", "http://example.org:http/hooks"]):
        status, problem = await create(harness, subscription(f"bad-port-{i}", url))
        assert status == 422, (url, problem)
    assert (await call(harness, "GET", "/subscriptions"))["total"] == 0
