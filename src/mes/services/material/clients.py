"""The services material asks synchronously: work orders, so stock is booked only against real orders."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from mes.platform.http import RemoteError, ServiceDirectory
from mes.services.material import config
from mes.services.material.errors import PrinterUnreachable, UnknownWorkOrder

W = "/api/v1/workorders"


class _OrderInfo(BaseModel):
    model_config = ConfigDict(extra="ignore")

    number: str
    status: str


@dataclass(frozen=True, slots=True)
class WorkOrders:
    """Work orders, asked with the caller's own token (whoever books material may read orders)."""

    directory: ServiceDirectory
    token: str | None
    request_id: str | None = None

    async def status_of(self, number: str) -> str:
        """The order's status as work orders has it now; 409 unknown_work_order when there is none."""
        client = self.directory.client("work-orders")
        try:
            order = await client.get_model(
                f"{W}/orders/{number}", _OrderInfo, token=self.token, request_id=self.request_id
            )
        except RemoteError as e:
            if e.status == 404:
                raise UnknownWorkOrder(f"There is no work order {number}.", work_order=number) from None
            raise
        return order.status


async def send_to_printer(host: str, port: int, data: bytes) -> None:
    """ZPL over a raw TCP connection (port 9100 by convention); 503 printer_unreachable when the
    printer refuses or doesn't take it in time."""
    timeout = config.printer_timeout_seconds()
    try:
        async with asyncio.timeout(timeout):
            _, writer = await asyncio.open_connection(host, port)
            try:
                writer.write(data)
                await writer.drain()
            finally:
                writer.close()
                await writer.wait_closed()
    except (OSError, TimeoutError) as e:
        raise PrinterUnreachable(
            f"The label printer at {host}:{port} can't be reached ({e.__class__.__name__}): "
            "check it is on and on the network.",
            host=host,
            port=port,
        ) from None
