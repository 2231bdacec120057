"""Errors of the reporting service."""

from mes.platform.errors import Forbidden, NotFound, Unprocessable


class UnknownScope(NotFound):
    code = "unknown_scope"


class InvalidInterval(Unprocessable):
    code = "invalid_interval"


class RebuildRefused(Forbidden):
    code = "rebuild_refused"
