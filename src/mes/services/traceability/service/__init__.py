"""Use cases of the traceability service: the projection of events into the graph, and recalls."""

from mes.services.traceability.service import exports, projection, recalls

__all__ = ["exports", "projection", "recalls"]
