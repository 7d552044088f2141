"""The account behind the API secret, and the small answers about it."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator

from .fields import BithumanModel, Identifier, OptFloat, OptInt, OptStr


class Account(BithumanModel):
    """The account behind the API secret (``GET /v1/me``)."""

    user_id: Identifier
    email: OptStr = None
    plan: OptStr = None
    plan_code: OptStr = None
    credit_balance: OptFloat = None
    plan_credits_remaining: OptFloat = None
    topup_credits_remaining: OptFloat = None
    account_status: OptStr = None
    upgrade_url: OptStr = None
    pricing_url: OptStr = None


class Validation(BithumanModel):
    """The answer of ``POST /v1/validate``."""

    valid: bool


def _more_pages(value: object) -> bool | None:
    """Read ``has_more``: a JSON boolean, or the strings and 0/1 some answers use."""
    if isinstance(value, int):  # a bool too: True != 0
        return value != 0
    if isinstance(value, str):
        return {"true": True, "false": False}.get(value.strip().lower())
    return None


class Pagination(BithumanModel):
    """Pagination block of a list response (``has_more`` None: not said)."""

    has_more: Annotated[bool | None, BeforeValidator(_more_pages)] = None
    offset: OptInt = None
    limit: OptInt = None
    total: OptInt = None
