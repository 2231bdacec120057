"""The integration service's own settings (MES_* environment variables or .env) and its sealing key."""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import stat
from functools import lru_cache
from pathlib import Path

import structlog
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from mes.platform.settings import Settings

log = structlog.get_logger("mes.integration")
KEY_FILE = "integration-seal.key"


class IntegrationSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MES_", env_file=".env", extra="ignore")

    # seals webhook secrets in the database (Fernet: AES-128-CBC + HMAC-SHA256). Required in
    # distributed mode; embedded (`mes up`), a key is generated once into the data directory
    integration_seal_key: SecretStr | None = None
    integration_webhook_timeout_s: float = 5.0
    # outbound targets (webhooks, ERP endpoints) must be public addresses unless allowed here
    integration_allow_private_targets: bool = False
    # comma-separated host names and CIDRs allowed although private, e.g. "erp.lan,10.20.0.0/16"
    integration_allowed_targets: str = ""


@lru_cache(maxsize=1)
def integration_settings() -> IntegrationSettings:
    return IntegrationSettings()


class SealKeyError(RuntimeError):
    """The service can't start: no usable sealing key."""


GENERATE = "python3 -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())'"


def _valid(key: str, where: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(key.encode())
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise SealKeyError(
            f"{where} is not a Fernet key (32 bytes, URL-safe base64). Generate one with: {GENERATE}"
        )
    return key


def _key_file(data_dir: Path) -> str:
    """The embedded installation's key: generated once, kept readable by its owner only."""
    path = data_dir / KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        tmp = data_dir / f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, base64.urlsafe_b64encode(os.urandom(32)) + b"\n")
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # atomic: a process starting beside this one keeps the first key
            log.info("seal_key_generated", path=str(path))
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        path.chmod(0o600)
        log.warning("seal_key_permissions_tightened", path=str(path), mode=oct(mode))
    return _valid(path.read_text().strip(), str(path))


@lru_cache(maxsize=1)
def seal_key() -> str:
    """MES_INTEGRATION_SEAL_KEY; without it, embedded (MES_BUS_URL memory://) the key file in the
    data directory, distributed a SealKeyError that stops the service from starting."""
    configured = integration_settings().integration_seal_key
    if configured is not None and configured.get_secret_value():
        return _valid(configured.get_secret_value(), "MES_INTEGRATION_SEAL_KEY")
    platform = Settings()
    if platform.bus_url.startswith("memory://"):
        return _key_file(Path(platform.data_dir))
    raise SealKeyError(
        "MES_INTEGRATION_SEAL_KEY is not set. In distributed mode every replica of the integration "
        "service needs the same key to seal and unseal webhook secrets; set it (a Fernet key) in "
        f"the service's environment. Generate one with: {GENERATE}"
    )
