"""Errors of the integration service."""

from mes.platform.errors import Conflict, NotFound, Unprocessable


class ConnectorNotFound(NotFound):
    code = "connector_not_found"


class DeadLetterNotFound(NotFound):
    code = "dead_letter_not_found"


class DuplicateName(Conflict):
    code = "duplicate_name"


class InvalidMapping(Unprocessable):
    code = "invalid_mapping"


class OutboundTargetRefused(Unprocessable):
    """A subscription's URL resolves to an address outbound HTTP may not reach (ADR 29)."""

    code = "target_refused"


class OutboundTargetUnresolvable(Unprocessable):
    code = "target_unresolvable"


class PayloadError(Exception):
    """A machine or ERP message that can't be read: it goes to the dead letters with `reason`."""

    def __init__(self, reason: str, *, path: str | None = None, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = path
        self.line = line

    def detail(self) -> dict[str, object]:
        return {"reason": self.reason, "path": self.path, "line": self.line}


class LetterClosed(Conflict):
    code = "dead_letter_closed"


class InvalidMessage(Unprocessable):
    """An ERP message refused; its dead letter is kept (the rest of the transaction is not)."""

    code = "invalid_message"
    keeps_changes = True


class MessageIdReused(Conflict):
    code = "message_id_reused"


class NotReplayable(Conflict):
    code = "dead_letter_not_replayable"


class SubscriptionNotFound(NotFound):
    code = "subscription_not_found"
