"""Errors of the resource service."""

from mes.platform.errors import Conflict, NotFound, Unprocessable


class EquipmentNotFound(NotFound):
    code = "equipment_not_found"


class DuplicateEquipmentCode(Conflict):
    code = "duplicate_equipment_code"


class InvalidHierarchy(Unprocessable):
    code = "invalid_hierarchy"
