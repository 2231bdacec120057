"""Configuration from MES_* environment variables or a .env file; nothing is read at import time."""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import Field
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
    # empty: lockouts and rate limits in this process's memory (embedded); redis://... shares them
    redis_url: str = ""
    redis_prefix: str = "mes"

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
