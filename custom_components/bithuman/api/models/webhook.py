"""Registered webhooks (``/v1/webhooks``)."""

from __future__ import annotations

from pydantic import Field

from .fields import BithumanModel, Identifier, OptBool, OptDatetime, OptStr, StrList


class Webhook(BithumanModel):
    """A registered webhook (its signing secret redacted)."""

    id: Identifier
    url: OptStr = None
    events: StrList = Field(default_factory=list)
    description: OptStr = None
    active: OptBool = None
    created_at: OptDatetime = None
    updated_at: OptDatetime = None


class WebhookWithSecret(Webhook):
    """A newly created webhook, with its one-time signing secret."""

    secret: Identifier = Field(repr=False)
