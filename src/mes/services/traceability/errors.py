"""Errors of the traceability service."""

from mes.platform.errors import Conflict, NotFound, Unprocessable


class NodeNotFound(NotFound):
    """No lot or serial of that code has reached the genealogy (yet)."""

    code = "trace_not_found"


class RecallNotFound(NotFound):
    code = "recall_not_found"


class InvalidWindow(Unprocessable):
    code = "invalid_window"


class RecallTooLarge(Conflict):
    """More affected lots than one recall call asks material about."""

    code = "recall_too_large"


class NotBuiltHere(NotFound):
    """The lot or serial is known but was received, not made by a work order: no as-built record."""

    code = "as_built_not_found"
