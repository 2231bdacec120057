"""Errors of the quality service."""
