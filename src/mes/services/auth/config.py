"""The auth service's own settings (MES_* environment variables or .env), read when first needed."""

from __future__ import annotations

from functools import lru_cache

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class AuthSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MES_", env_file=".env", extra="ignore")

    # first administrator, created on the auth service's first start when both are set
    admin_username: str = ""
    admin_password: SecretStr = SecretStr("")
    # seals the signing keys' private halves in the database (AES-256-GCM); unset: stored raw
    auth_key_secret: SecretStr = SecretStr("")
    auth_access_ttl_s: int = 900
    # a refresh token lives this long unused; a login's session at most auth_session_max_s
    auth_refresh_ttl_s: int = 12 * 3600
    auth_session_max_s: int = 7 * 24 * 3600


@lru_cache(maxsize=1)
def auth_settings() -> AuthSettings:
    return AuthSettings()
