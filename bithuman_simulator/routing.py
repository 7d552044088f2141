"""What an API endpoint is: its route, cost tier and handler."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

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

    def path_param(self, name: str) -> str:
        """Return one `{name}` segment of the route."""
        return self.request.match_info[name]

    async def body(self) -> JSONObject:
        """Return the JSON-object body, or raise the documented 400."""
        return parse_object(await self.request.read())


type ApiHandler = Callable[[ApiContext], Awaitable[JSONObject]]


@dataclass(frozen=True, slots=True)
class ApiRoute:
    """One authenticated endpoint.

    `tier` is its rate-limit cost tier (None: never rate-limited);
    `idempotent` makes it honour `Idempotency-Key`.
    """

    method: str
    path: str
    handler: ApiHandler
    tier: Tier | None
    idempotent: bool = False
