"""Material, asked as the caller: lots where they are now, and holds for a recall."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from mes.platform.http import RemoteError, ServiceDirectory

M = "/api/v1/material"


class LotNow(BaseModel):
    model_config = ConfigDict(extra="ignore")

    code: str
    quantity: Decimal
    status: str
    location: str


@dataclass(frozen=True, slots=True)
class Material:
    directory: ServiceDirectory
    token: str | None
    request_id: str | None = None

    async def lot(self, code: str) -> LotNow | None:
        client = self.directory.client("material")
        try:
            return await client.get_model(
                f"{M}/lots/{code}", LotNow, token=self.token, request_id=self.request_id
            )
        except RemoteError as e:
            if e.status == 404:
                return None
            raise

    async def hold(self, code: str, reason: str) -> LotNow:
        """Put the lot on hold; material refuses (RemoteError) a lot with nothing left to hold."""
        client = self.directory.client("material")
        resp = await client.request(
            "POST",
            f"{M}/lots/{code}/hold",
            json={"reason": reason},
            token=self.token,
            request_id=self.request_id,
        )
        return LotNow.model_validate_json(resp.content)
