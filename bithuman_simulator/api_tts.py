"""Voice endpoints: `GET /v1/voices` and `POST /v1/tts` (real audio)."""

from typing import TYPE_CHECKING

from aiohttp import web

from .audio import synthesize
from .rate_limit import Tier
from .routing import ApiContext, ApiRoute
from .tts import parse_tts, voices_object

if TYPE_CHECKING:
    from .json_types import JSONObject


async def list_voices(ctx: ApiContext) -> JSONObject:
    """`GET /v1/voices`: built-in voices, the account's designed ones, languages."""
    custom = list(ctx.sim.voice_codes.get(ctx.account.user_id, {}))
    return voices_object(custom)


async def tts(ctx: ApiContext) -> web.StreamResponse:
    """`POST /v1/tts`: WAV (or raw PCM) audio of the text, in the chosen voice."""
    body = await ctx.body()
    request = parse_tts(
        body,
        ctx.sim.voice_codes.get(ctx.account.user_id, {}),
        ctx.sim.settings.tts_max_chars,
    )
    audio, content_type, rate = await synthesize(request)
    return web.Response(
        body=audio,
        content_type=content_type,
        headers={"X-Sample-Rate": str(rate)},
    )


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute("GET", "/v1/voices", list_voices, Tier.READ),
    ApiRoute("POST", "/v1/tts", tts, Tier.WRITE),
)
