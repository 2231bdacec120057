"""Request and response bodies: personnel, skills, qualifications and the authorization check."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator, Field

from mes.platform.schemas import USERNAME_PATTERN, Page, Schema
from mes.services.resource.schemas.equipment import Code


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


# an auth user name: ASCII, lower case (as auth stores it); no invisible or bidi characters
Username = Annotated[str, BeforeValidator(_lower), Field(pattern=USERNAME_PATTERN, examples=["ana.moreau"])]
Level = Annotated[int, Field(ge=1, le=9)]


class PersonCreate(Schema):
    username: Username
    name: Annotated[str, Field(min_length=1, max_length=200)]


class PersonUpdate(Schema):
    active: bool


class SkillCreate(Schema):
    code: Code
    name: Annotated[str, Field(min_length=1, max_length=200)]


class SkillRead(Schema):
    code: str
    name: str


class QualificationGrant(Schema):
    skill: Code
    level: Level
    expires_on: date | None = Field(None, description="Certification valid through this day; none: no expiry")


class QualificationRead(Schema):
    skill: str
    level: int
    expires_on: date | None
    granted_at: datetime
    granted_by: str


class PersonRead(Schema):
    username: str
    name: str
    active: bool
    qualifications: list[QualificationRead]


PersonPage = Page[PersonRead]


class RequirementCreate(Schema):
    equipment_code: Code | None = None
    operation: Annotated[str | None, Field(min_length=1, max_length=64)] = None
    skill: Code
    min_level: Level


class RequirementRead(Schema):
    id: str
    equipment_code: str | None
    operation: str | None
    skill: str
    min_level: int


class SkillNeed(Schema):
    code: Code
    min_level: Level


class AuthorizationCheck(Schema):
    username: Username
    equipment_code: Annotated[
        str,
        Field(
            min_length=1,
            max_length=64,
            description="A machine, or a work center without machines; an enterprise, site or area is refused",
        ),
    ]
    work_center: Annotated[
        str | None,
        Field(
            min_length=1,
            max_length=64,
            description="The work center the operation is routed to: the equipment must be it or one of its machines",
        ),
    ] = None
    operation: Annotated[str | None, Field(max_length=64)] = None
    skills: Annotated[list[SkillNeed], Field(max_length=100)] = []
    at: AwareDatetime | None = None


class Reason(Schema):
    code: str
    detail: str


class AuthorizationResult(Schema):
    allowed: bool
    reasons: list[Reason]
