"""Errors of the reporting service."""
