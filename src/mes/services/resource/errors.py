"""Errors of the resource service."""

from mes.platform.errors import Conflict, NotFound, Unprocessable


class EquipmentNotFound(NotFound):
    code = "equipment_not_found"


class DuplicateEquipmentCode(Conflict):
    code = "duplicate_equipment_code"


class InvalidHierarchy(Unprocessable):
    code = "invalid_hierarchy"


class InvalidStateChange(Unprocessable):
    code = "invalid_state_change"


class NotFoundHere(NotFound):
    """A record other than equipment that doesn't exist (reason code, person, skill, plan, order...)."""

    code = "not_found"


class DuplicateCode(Conflict):
    code = "duplicate_code"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class InvalidCalendar(Unprocessable):
    code = "invalid_calendar"


class InvalidRequirement(Unprocessable):
    code = "invalid_requirement"


class UnknownUser(Unprocessable):
    """A person must be a user of the auth service first."""

    code = "unknown_user"
