"""Reactions of the auth service to other services' events."""

from mes.platform.app import handlers

HANDLERS = handlers()
