"""Errors of the work orders service; `code` is stable, clients branch on it."""

from mes.platform.errors import Conflict, DomainError, Forbidden, NotFound, ServiceUnavailable, Unprocessable


class ProductNotFound(NotFound):
    code = "product_not_found"


class RoutingNotFound(NotFound):
    code = "routing_not_found"


class WorkOrderNotFound(NotFound):
    code = "work_order_not_found"


class OperationNotFound(NotFound):
    code = "operation_not_found"


class DuplicateCode(Conflict):
    code = "duplicate_code"


class InvalidRouting(Unprocessable):
    code = "invalid_routing"


class InvalidTransition(Conflict):
    """The order or operation is not in a state that allows this; `status` and `action` say which."""

    code = "invalid_transition"


class ChangedMeanwhile(Conflict):
    """What another service was asked about changed before the order's lock was taken (ADR 35):
    the caller asks again."""

    code = "changed_meanwhile"


class QualityHold(Conflict):
    code = "quality_hold"


class InspectionDue(Conflict):
    code = "inspection_due"


class PreviousOperationOpen(Conflict):
    code = "previous_operation_open"


class OperatorNotQualified(Conflict):
    code = "operator_not_qualified"


class EquipmentUnavailable(Conflict):
    code = "equipment_unavailable"


class WrongEquipment(Conflict):
    """Not a machine of the operation's work center (or that work center, when it has none)."""

    code = "wrong_equipment"


class ShortNeedsSupervisor(Forbidden):
    """Completing an order short is a supervisor's decision (workorder:dispatch), with a reason."""

    code = "short_needs_supervisor"


class ShortNeedsReason(Unprocessable):
    code = "short_needs_reason"


class OverTolerance(Conflict):
    code = "over_tolerance"


class FractionalQuantity(Unprocessable):
    """A fraction of a unit counted whole (1.5 pcs), or more decimals than the unit takes."""

    code = "fractional_quantity"


class ExceedsPredecessor(Unprocessable):
    """More reported at an operation than the operations before it delivered (plus the tolerance)."""

    code = "exceeds_predecessor"


class UnderTolerance(Conflict):
    code = "under_tolerance"


class WrongMaterial(Conflict):
    code = "wrong_material"


class ComponentAlreadyUsed(Conflict):
    """A consumed component is already recorded under another finished unit."""

    code = "component_already_used"


class InputNotConsumed(Conflict):
    code = "input_not_consumed"


class NotClockedIn(Conflict):
    code = "not_clocked_in"


class InvalidFloorChange(Conflict):
    code = "invalid_floor_change"


class NoOutput(Conflict):
    code = "no_output"


class PlanningUnavailable(ServiceUnavailable):
    """Resource could not give a work center's shift windows; the schedule stays as it was."""

    code = "planning_unavailable"


class StepsIncomplete(Unprocessable):
    """Required steps of the operation have no recorded value; `missing` names them."""

    code = "steps_incomplete"


class InvalidStepValue(Unprocessable):
    code = "invalid_step_value"


class ValueOutOfLimits(Unprocessable):
    """A number outside its step's limits; nothing is stored."""

    code = "value_out_of_limits"


class StepNotFound(NotFound):
    code = "step_not_found"


class AttachmentNotFound(NotFound):
    code = "attachment_not_found"


class AttachmentTooLarge(DomainError):
    status, code, title = 413, "attachment_too_large", "Content too large"


class UnsupportedAttachment(DomainError):
    status, code, title = 415, "unsupported_attachment", "Unsupported media type"
