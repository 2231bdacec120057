"""The key that seals webhook secrets: required in distributed mode, generated once (0600, in the
data directory) in embedded mode; never a key written in the code."""

import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from mes.platform.app import ServiceRuntime
from mes.platform.bus import make_bus
from mes.platform.testing import Harness
from mes.services.integration.app import spec
from mes.services.integration.config import KEY_FILE, SealKeyError, integration_settings, seal_key
from mes.services.integration.models import Subscription
from mes.services.integration.models import webhooks as wh

from .conftest import TEST_SEAL_KEY, call
from .test_webhooks import TOPICS


def fresh(monkeypatch: pytest.MonkeyPatch, **env: str | None) -> None:
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    integration_settings.cache_clear()
    seal_key.cache_clear()


async def test_distributed_without_a_key_the_service_does_not_start(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh(monkeypatch, MES_INTEGRATION_SEAL_KEY=None, MES_BUS_URL="nats://nats:4222")
    with pytest.raises(SealKeyError, match="MES_INTEGRATION_SEAL_KEY is not set"):
        ServiceRuntime(spec, harness.db("integration"), make_bus("memory://"))
    fresh(monkeypatch, MES_INTEGRATION_SEAL_KEY="not-a-key")
    with pytest.raises(SealKeyError, match="not a Fernet key"):
        seal_key()
    fresh(monkeypatch, MES_INTEGRATION_SEAL_KEY=TEST_SEAL_KEY)
    assert ServiceRuntime(spec, harness.db("integration"), make_bus("memory://")).workers
    assert seal_key() == TEST_SEAL_KEY


async def test_embedded_a_key_is_generated_once_into_the_data_directory(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = tmp_path / "var"
    fresh(monkeypatch, MES_INTEGRATION_SEAL_KEY=None, MES_BUS_URL="memory://", MES_DATA_DIR=str(data))
    key = seal_key()
    path = data / KEY_FILE
    assert path.read_text().strip() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in data.iterdir()] == [KEY_FILE]  # no temporary file left behind

    # a secret sealed now is unsealed after a restart: the same key is read back, not made anew
    sub = await call(
        harness,
        "POST",
        "/subscriptions",
        {"name": "erp", "url": "http://127.0.0.1:9/h", "event_types": TOPICS},
    )
    seal_key.cache_clear()
    assert seal_key() == key
    async with harness.db("integration").transaction() as session:
        sealed = await session.scalar(select(Subscription.sealed_secret).where(Subscription.name == "erp"))
    assert sealed is not None and sub["secret"] not in sealed
    assert wh.unseal(sealed, seal_key()) == sub["secret"]

    # loosened permissions are tightened again
    path.chmod(0o644)
    seal_key.cache_clear()
    assert seal_key() == key and stat.S_IMODE(path.stat().st_mode) == 0o600
