"""Request and response bodies of the resource service."""

from mes.services.resource.schemas.equipment import (
    Code,
    CycleTimeRead,
    CycleTimeSet,
    EquipmentAttributes,
    EquipmentCreate,
    EquipmentDetail,
    EquipmentPage,
    EquipmentRead,
)
from mes.services.resource.vocabulary import Level

__all__ = [
    "Code",
    "CycleTimeRead",
    "CycleTimeSet",
    "EquipmentAttributes",
    "EquipmentCreate",
    "EquipmentDetail",
    "EquipmentPage",
    "EquipmentRead",
    "Level",
]
