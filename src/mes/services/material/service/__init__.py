"""Use cases of the material service: master data, and stock changes (each books the ledger under the lot's lock)."""

from mes.services.material.service.consumption import consume_lot, issue_lot
from mes.services.material.service.finished import finish_order
from mes.services.material.service.ledger import lot_for_update, new_lot_code, today
from mes.services.material.service.lots import (
    adjust_lot,
    merge_lots,
    move_lot,
    scrap_lot,
    ship_lot,
    split_lot,
)
from mes.services.material.service.master import (
    create_bom,
    create_item,
    create_location,
    set_inspect_on_receipt,
    update_item,
    update_location,
)
from mes.services.material.service.receipts import produce_lot, receive_lot
from mes.services.material.service.status import change_status, expire_lots

__all__ = [
    "adjust_lot",
    "change_status",
    "consume_lot",
    "create_bom",
    "create_item",
    "create_location",
    "expire_lots",
    "finish_order",
    "issue_lot",
    "lot_for_update",
    "merge_lots",
    "move_lot",
    "new_lot_code",
    "produce_lot",
    "receive_lot",
    "scrap_lot",
    "set_inspect_on_receipt",
    "ship_lot",
    "split_lot",
    "today",
    "update_item",
    "update_location",
]
