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
    # brute force: this many failed sign-ins of one account within the window lock it; each further
    # lockout within a day doubles, up to the maximum. One client address gets a larger budget.
    auth_lockout_failures: int = 5
    auth_lockout_window_s: int = 15 * 60
    auth_lockout_s: int = 5 * 60
    auth_lockout_max_s: int = 60 * 60
    auth_client_failures: int = 50
    # e-signatures: later signings in a session need only the password while the previous one is
    # at most this old (21 CFR 11.200(a)(1)); after that, user name and password again
    auth_signing_idle_s: int = 30 * 60
    # shared terminals: a badge sign-in's session ends after this long without a refresh
    auth_station_idle_s: int = 15 * 60
    auth_station_session_max_s: int = 12 * 3600
    auth_pin_failures: int = 3


@lru_cache(maxsize=1)
def auth_settings() -> AuthSettings:
    return AuthSettings()
