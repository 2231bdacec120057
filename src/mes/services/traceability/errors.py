"""Errors of the traceability service."""
