"""The signed-in person's own preferences (the UI language): any role may read and set its own,
nobody another's: the route acts on the token's subject and takes no user name."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from mes.platform.app import PROTECTED_RESPONSES
from mes.platform.auth import Principal, require
from mes.platform.db import SessionDep
from mes.services.auth.models.permissions import SELF_PREFERENCES
from mes.services.auth.routes.common import first_start
from mes.services.auth.routes.common import problem_response as _problem
from mes.services.auth.schemas import Preferences, PreferencesUpdate
from mes.services.auth.service import preferences

router = APIRouter(
    tags=["auth: preferences"], responses=PROTECTED_RESPONSES, dependencies=[Depends(first_start)]
)

Self = Annotated[Principal, require(SELF_PREFERENCES)]


@router.get("/me/preferences", response_model=Preferences, responses=_problem(404, "No such user"))
async def read_preferences(who: Self, session: SessionDep) -> Preferences:
    return await preferences.read(session, who.subject)


@router.put(
    "/me/preferences",
    response_model=Preferences,
    responses={**_problem(404, "No such user"), **_problem(422, "Language not supported")},
)
async def set_preferences(who: Self, body: PreferencesUpdate, session: SessionDep) -> Preferences:
    """Sets the caller's own UI language (en, de, es) or null to follow the browser; audited."""
    return await preferences.update(session, who.subject, body)
