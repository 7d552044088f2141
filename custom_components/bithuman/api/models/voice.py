"""The voices of bitHuman's text to speech (``GET /v1/voices``)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .fields import BithumanModel, Identifier, OptStr, StrList, readable_items


class Voice(BithumanModel):
    """One voice: a built-in id (``M1``-``F5``) or a custom one."""

    id: Identifier
    kind: OptStr = None
    name: OptStr = None


class VoiceCatalog(BithumanModel):
    """Every voice, and the languages the server reports (may be absent)."""

    voices: Annotated[list[Voice], readable_items(Voice)] = Field(default_factory=list)
    languages: StrList = Field(default_factory=list)
