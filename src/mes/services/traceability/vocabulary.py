"""The words of the traceability service, once: node, edge and flow kinds, lot origins (ADR 35).

The projection's tables and the API's schemas take these types, so mypy (strict: `strict_equality`)
refuses a word that is not one of them. The events it reads carry plain strings
(`mes.contracts`): a new word there is new data here, never a refused event.
"""

from __future__ import annotations

from typing import Literal, get_args

# a lot or serial (`lot:<code>`), a work order (`wo:<number>`), an operation (`op:<number>/<key>`)
NodeKind = Literal["lot", "serial", "work_order", "operation"]
# material flow, src into dst (models.py names each)
EdgeKind = Literal["consumed", "part_of", "produced", "attributed", "split", "merged"]
# how a lot came to be; a supplier lot is one that was received
Origin = Literal["received", "produced", "split", "merged"]
# one row of a lot's mass balance per event and kind
FlowKind = Literal[
    "received",
    "produced",
    "split_in",
    "split_out",
    "merged_in",
    "merged_out",
    "consumed",
    "scrapped",
    "adjusted",
    "moved",
    "status",
    "shipped",
]
Direction = Literal["backward", "forward"]
# where a recalled lot is now, and what hold-all did with it
Whereabouts = Literal["in_stock", "consumed", "scrapped", "shipped", "unknown"]
HoldResult = Literal["held", "already_held", "refused"]

NODE_KINDS: tuple[NodeKind, ...] = get_args(NodeKind)
EDGE_KINDS: tuple[EdgeKind, ...] = get_args(EdgeKind)
ORIGINS: tuple[Origin, ...] = get_args(Origin)
FLOW_KINDS: tuple[FlowKind, ...] = get_args(FlowKind)
# what brings quantity into a lot, and what moves it into another lot
INFLOWS: tuple[FlowKind, ...] = ("received", "produced", "split_in", "merged_in")
TRANSFERS_OUT: tuple[FlowKind, ...] = ("split_out", "merged_out")
