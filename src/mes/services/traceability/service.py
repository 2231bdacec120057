"""Use cases of the traceability service."""
