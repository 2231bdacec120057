"""Request and response schemas of the traceability service."""
