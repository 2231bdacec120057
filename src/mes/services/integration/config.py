"""The integration service's own settings (MES_* environment variables or .env)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# a development key only: set MES_INTEGRATION_SEAL_KEY (a Fernet key) in every real installation
DEV_SEAL_KEY = "bWVzLWRldmVsb3BtZW50LXNlYWwta2V5LTMyYnl0ZXM="


class IntegrationSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MES_", env_file=".env", extra="ignore")

    # seals webhook secrets in the database (Fernet: AES-128-CBC + HMAC-SHA256)
    integration_seal_key: SecretStr = SecretStr(DEV_SEAL_KEY)
    integration_webhook_timeout_s: float = 5.0
    # outbound targets (webhooks, ERP endpoints) must be public addresses unless allowed here
    integration_allow_private_targets: bool = False
    # comma-separated host names and CIDRs allowed although private, e.g. "erp.lan,10.20.0.0/16"
    integration_allowed_targets: str = ""


@lru_cache(maxsize=1)
def integration_settings() -> IntegrationSettings:
    return IntegrationSettings()
