"""Errors of the quality service."""

from mes.platform.errors import Conflict, Forbidden, NotFound, Unprocessable


class PlanNotFound(NotFound):
    code = "plan_not_found"


class TaskNotFound(NotFound):
    code = "task_not_found"


class NcrNotFound(NotFound):
    code = "ncr_not_found"


class CharacteristicNotFound(NotFound):
    code = "characteristic_not_found"


class GaugeNotFound(NotFound):
    code = "gauge_not_found"


class DuplicateCode(Conflict):
    code = "duplicate_code"


class InvalidPlan(Unprocessable):
    code = "invalid_plan"


class InvalidResult(Unprocessable):
    code = "invalid_result"


class UnknownCharacteristic(Unprocessable):
    code = "unknown_characteristic"


class UnknownGauge(Unprocessable):
    code = "unknown_gauge"


class GaugeOverdue(Conflict):
    code = "gauge_calibration_overdue"


class InvalidState(Conflict):
    code = "invalid_state"


class SignatureRejected(Forbidden):
    code = "signature_rejected"


class InvalidDisposition(Unprocessable):
    code = "invalid_disposition"


class SpcNotComputable(Unprocessable):
    code = "spc_not_computable"


class CapaNotFound(NotFound):
    code = "capa_not_found"


class InvalidCapa(Unprocessable):
    code = "invalid_capa"
