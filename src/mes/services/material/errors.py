"""Errors of the material service."""

from mes.platform.errors import Conflict, NotFound, ServiceUnavailable, Unprocessable


class ItemNotFound(NotFound):
    code = "item_not_found"


class LocationNotFound(NotFound):
    code = "location_not_found"


class LotNotFound(NotFound):
    code = "lot_not_found"


class DuplicateCode(Conflict):
    code = "duplicate_code"


class UnknownUnit(Unprocessable):
    code = "unknown_unit"


class IncompatibleUnits(Unprocessable):
    code = "incompatible_units"


class LotNotConsumable(Conflict):
    """Held, quarantined, expired, consumed or scrapped: the reason is in the detail."""

    code = "lot_not_consumable"


class InsufficientQuantity(Conflict):
    code = "insufficient_quantity"


class WrongItem(Conflict):
    code = "wrong_item"


class InvalidStatusChange(Conflict):
    code = "invalid_status_change"


class NoBom(NotFound):
    code = "no_effective_bom"


class InvalidBom(Unprocessable):
    code = "invalid_bom"


class SerialQuantity(Unprocessable):
    """A serial-tracked item is kept one unit per lot."""

    code = "serial_quantity"


class InvalidMerge(Conflict):
    code = "invalid_merge"


class UnknownWorkOrder(Conflict):
    code = "unknown_work_order"


class WorkOrderNotOpen(Conflict):
    code = "work_order_not_open"


class FractionalQuantity(Unprocessable):
    """A quantity finer than its unit allows: a fraction of a unit counted whole (code
    `fractional_quantity`), or more decimals than the unit takes (`too_many_decimals`)."""

    code = "fractional_quantity"


class InvalidItem(Unprocessable):
    code = "invalid_item"


class StaleVersion(Conflict):
    """The edit was made on an older version of the row than the stored one: someone changed it
    meanwhile. The problem carries `current_version`; the caller reloads and edits again."""

    code = "stale_version"


class ItemInUse(Conflict):
    """The unit or the tracking of an item that already has lots (or BOMs) is not changed."""

    code = "item_in_use"


class PrinterNotFound(NotFound):
    code = "printer_not_found"


class PrinterUnreachable(ServiceUnavailable):
    """The label printer refused the connection or did not answer in time."""

    code = "printer_unreachable"
