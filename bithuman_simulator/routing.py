"""What an API endpoint is: its route, cost tier and handler."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

from .errors import validation_error
from .json_types import JSONObject
from .simulator import Simulator
from .validation import parse_object

if TYPE_CHECKING:
    from .rate_limit import Tier
    from .records import Account

SIMULATOR_KEY = web.AppKey("bithuman_simulator", Simulator)


@dataclass(frozen=True, slots=True)
class ApiContext:
    """An authenticated API request, handed to an endpoint's handler."""

    request: web.Request
    sim: Simulator
    account: Account
    idempotency_key: str | None

    @property
    def now(self) -> float:
        """Return the simulator clock's time."""
        return self.sim.now()

    @property
    def origin(self) -> str:
        """Return the scheme and host the client reached the simulator at."""
        return request_origin(self.request)

    def path_param(self, name: str) -> str:
        """Return one `{name}` segment of the route."""
        return self.request.match_info[name]

    async def body(self, *, required: bool = False) -> JSONObject:
        """Return the JSON-object body, or raise the documented 400.

        An empty body reads as `{}`, unless the endpoint's body is `required`
        (openapi `requestBody.required`) and has no required field to name:
        then it is the malformed body agents.md documents.
        """
        raw = await self.request.read()
        if required and not raw.strip():
            raise validation_error("Request body must be valid JSON")
        return parse_object(raw)


def request_origin(request: web.Request) -> str:
    """Return `scheme://host[:port]` as the client addressed the simulator."""
    return f"{request.scheme}://{request.host}"


type ApiAnswer = JSONObject | web.StreamResponse
type ApiHandler = Callable[[ApiContext], Awaitable[ApiAnswer]]


@dataclass(frozen=True, slots=True)
class ApiRoute:
    """One authenticated endpoint.

    `tier` is its rate-limit cost tier (None: never rate-limited);
    `idempotent` makes it honour `Idempotency-Key`. A handler answers a JSON
    object, or a ready response (audio).
    """

    method: str
    path: str
    handler: ApiHandler
    tier: Tier | None
    idempotent: bool = False
