"""Configuration from MES_* environment variables or a .env file; nothing is read at import time."""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from mes.platform.registry import ServiceInfo


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MES_", env_file=".env", extra="ignore")

    data_dir: str = "./var"
    host: str = "127.0.0.1"
    port: int = 8080
    # memory:// (in process, embedded), nats://host:port (JetStream) or kafka://host:port[,host:port]
    # (distributed); the stream is the JetStream stream or the Kafka topic that carries every event
    bus_url: str = "memory://"
    bus_stream: str = "MES"
    # Kafka only, when the topic is created: partitions (the most replicas of a service that share
    # its work) and replication factor (3 on a production cluster, with min.insync.replicas=2)
    bus_partitions: int = 12
    bus_replication: int = 1
    # JetStream (or Kafka's retention.ms) keeps events this long (a consumer down longer misses older ones; the outbox has them
    # for outbox_retention_s): the stream never grows without bound
    bus_retention_s: int = 7 * 24 * 3600
    # shared PostgreSQL server URL without a database; per-service URLs override it
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    # empty: fetched from the auth service through the service directory (in process when embedded)
    jwks_url: str = ""
    migrate_on_start: bool = True
    jwt_issuer: str = "mes-auth"
    jwt_audience: str = "mes"
    # base URLs of other services in distributed mode, e.g. MES_SERVICE_URLS='{"material":"http://material:3011"}'
    service_urls: dict[str, str] = Field(default_factory=dict)
    http_timeout_s: float = 5.0
    max_body_bytes: int = 1_048_576
    log_level: str = "INFO"
    log_json: bool = True
    relay_poll_s: float = 0.5
    relay_batch: int = 500
    # a row the relay failed to publish this many times while the bus answered is set aside (ADR 20)
    outbox_max_attempts: int = 20
    # a failing event handler is retried this often (backoff from handler_retry_s, doubling), then
    # its event becomes a dead letter and the consumer goes on
    handler_attempts: int = 5
    handler_retry_s: float = 0.2
    # published outbox rows and handled inbox ids are pruned after these many seconds
    outbox_retention_s: int = 7 * 24 * 3600
    inbox_retention_s: int = 30 * 24 * 3600
    prune_every_s: int = 600
    db_pool_size: int = 10
    # deadlines so that a request never hangs on the database (ADR 22): waiting for a pooled
    # connection, opening one, and one statement; past them the answer is 503 with Retry-After
    db_pool_timeout_s: float = 5.0
    db_connect_timeout_s: float = 5.0
    db_statement_timeout_s: float = 30.0
    # Retry-After of a 503 answered while the database is unreachable
    unavailable_retry_after_s: int = 5
    # empty: lockouts and rate limits in this process's memory (embedded); redis://... shares them
    redis_url: str = ""
    redis_prefix: str = "mes"
    # browser origins allowed to call the API from another origin (CORS), e.g.
    # MES_CORS_ORIGINS='["https://mes.example.org"]'; none by default (the UI is same-origin)
    cors_origins: list[str] = Field(default_factory=list)
    cors_max_age_s: int = 600
    # service identity for background work (ADR 44): auth holds the deployment's secret; a
    # service in its own process holds only its own credential (`mes service-credential <name>`)
    service_secret: SecretStr = SecretStr("")
    service_credential: SecretStr = SecretStr("")
    # request rate limits (ADR 22): a token bucket of QUOTA requests per WINDOW seconds, "QUOTA/WINDOW",
    # per service and route class; sign-in (requests without credentials) per client address,
    # reads and commands per token. Generous by default; 0/... turns a class off
    rate_limits_enabled: bool = True
    rate_limit_signin: str = "120/60"
    rate_limit_reads: str = "12000/60"
    rate_limit_commands: str = "6000/60"
    # OpenTelemetry traces: the share of new traces sampled (0 = off, no tracing cost), and where
    # to send them (OTLP over HTTP, e.g. http://collector:4318/v1/traces); empty: not exported
    otel_sample_ratio: float = 0.0
    otel_endpoint: str = ""

    def database_url_for(self, service: ServiceInfo) -> str:
        """MES_<SERVICE>_DATABASE_URL, else the shared server with the service's own database."""
        explicit = os.environ.get(f"MES_{service.env_key}_DATABASE_URL")
        if explicit:
            return explicit
        return replace_database(self.database_url, service.database)


def replace_database(url: str, database: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=database).render_as_string(hide_password=False)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
