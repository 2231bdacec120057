"""Errors of the integration service."""
