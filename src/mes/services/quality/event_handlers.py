"""Reactions of the quality service to other services' events."""

from mes.platform.app import EventHandler
from mes.platform.events import Event

HANDLERS: dict[type[Event], EventHandler] = {}
