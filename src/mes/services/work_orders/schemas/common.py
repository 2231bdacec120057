"""Field types shared by the work orders schemas. Quantities and minutes are exact decimals."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field

Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$", examples=["WO-2026-0042"])]
OpKey = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$", examples=["20"])]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Reason = Annotated[str, Field(min_length=1, max_length=500)]
Version = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$")]
Positive = Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=6)]
NonNegative = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=6)]
Minutes = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=4)]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=7, decimal_places=3)]
