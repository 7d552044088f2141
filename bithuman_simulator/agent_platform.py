"""The simulator's methods for agents: creating, generating, showing them."""

from typing import TYPE_CHECKING

from .agent_store import DEFAULT_PROMPT, AgentSetup, DynamicsSetup
from .dynamics import ASSETS_BASE, DEFAULT_DYNAMICS_ERROR
from .generation import DEFAULT_GENERATION_ERROR
from .platform_base import PlatformBase
from .portraits import change_portrait, portrait_url
from .pricing import ENGINE_COST
from .views import agent_object, dynamics_object

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .json_types import JSONObject
    from .records import Account, AgentRecord


class AgentPlatform(PlatformBase):
    """Agents, their generations, dynamics and portraits."""

    def add_agent(
        self,
        owner: str,
        *,
        code: str | None = None,
        name: str = "bitHuman Agent",
        status: str = "ready",
        model: str = "expression-1",
        system_prompt: str = DEFAULT_PROMPT,
        description: str = "",
        image_url: str | None = None,
        dynamics: DynamicsSetup = "none",
        gestures: Sequence[str] | None = None,
        dynamics_enabled: bool | None = None,
        live_rooms: Sequence[str] = (),
        generation_seconds: float | None = None,
        error_message: str = DEFAULT_GENERATION_ERROR,
        legacy_success: bool = False,
    ) -> AgentRecord:
        """Create an agent owned by `owner` (a secret or user id).

        `status` is what it shows now: `ready`, `failed` (with
        `error_message`) or an in-flight status whose generation then moves on
        with the clock. `dynamics` is `none` (never generated), `ready` (with
        `gestures`, default the seed five and a few more), `generating` or
        `failed`. `legacy_success` makes a finished run end on `success` with
        progress 1.0 instead of `ready`, like some historical rows. Each of
        `live_rooms` starts a live session. `image_url` fixes the portrait
        URL; by default the simulator serves a generated one.
        """
        setup = AgentSetup(
            name=name,
            status=status,
            model=model,
            system_prompt=system_prompt,
            description=description,
            image_url=image_url,
            dynamics=dynamics,
            gestures=gestures,
            dynamics_enabled=dynamics_enabled,
            generation_seconds=generation_seconds,
            error_message=error_message,
            legacy_success=legacy_success,
        )
        agent = self.agent_store.add(self.account(owner), code, setup, self.now())
        self.session_book.set_rooms(agent, list(live_rooms), self.now())
        return agent

    def agent(self, code: str) -> AgentRecord:
        """Return the agent with this code, settled to now (KeyError if none)."""
        self.settle()
        return self.agents[code]

    def start_generation(
        self,
        owner: str,
        *,
        model: str = "expression-1",
        code: str | None = None,
        prompt: str | None = None,
        image: str | None = None,
        idempotency_key: str | None = None,
    ) -> AgentRecord:
        """Start a generation as `POST /v1/agent/generate` does, charging for it.

        `model` is an engine (`expression-1`, `essence-1`, `essence-2`,
        `expression-2`). Raises the API's ApiError (402 when the balance is
        short) like the endpoint would answer it.
        """
        if model not in ENGINE_COST:
            raise ValueError(f"unknown engine: {model}")
        return self.generate_agent(
            self.account(owner),
            engine=model,
            code=code,
            prompt=prompt,
            image=image,
            key=idempotency_key,
        )

    def image_url(self, agent: AgentRecord, origin: str | None = None) -> str:
        """Return the agent's portrait URL, served under `origin`.

        Without an origin: the running server's URL (`public_url`), else
        bitHuman's asset host.
        """
        if agent.image_url is not None:
            return agent.image_url
        base = origin or self.public_url
        if base is None:
            return f"{ASSETS_BASE}/{agent.code}/{agent.portrait.file}"
        return portrait_url(base, agent.code, agent.portrait.file)

    def render_agent(self, agent: AgentRecord, origin: str | None = None) -> JSONObject:
        """Return the Agent object the API shows now, odd-answer patches applied."""
        body = agent_object(agent, self.now(), self.image_url(agent, origin))
        return self.overrides.apply(agent.code, "agent", body)

    def render_dynamics(self, agent: AgentRecord) -> JSONObject:
        """Return the dynamics data the API shows now, patches applied."""
        body = dynamics_object(agent, self.now())
        return self.overrides.apply(agent.code, "dynamics", body)

    def agent_json(self, code: str) -> JSONObject:
        """Return the agent as the API shows it now."""
        return self.render_agent(self.agent(code))

    def dynamics_json(self, code: str) -> JSONObject:
        """Return the agent's dynamics as the API shows them now."""
        return self.render_dynamics(self.agent(code))

    def delete_agent(self, code: str) -> None:
        """Delete an agent, as if it were deleted upstream (its sessions end)."""
        if code in self.agents:
            self.settle()
            self.session_book.end_all_of(code, self.now(), "agent-deleted")
        self.agents.pop(code, None)
        self.overrides.clear(code)

    def set_portrait(self, code: str, *, color: str | None = None) -> str:
        """Give the agent a new portrait (a new file, so a new URL); return it."""
        agent = self.agent(code)
        change_portrait(agent.portrait, self.now(), color)
        agent.image_url = None
        agent.updated_at = self.now()
        return self.image_url(agent)

    def set_gestures(self, code: str, gestures: Sequence[str]) -> None:
        """Set the gestures the agent's dynamics produce.

        Dynamics already generated switch to this set at once; otherwise the
        next generation yields it.
        """
        self.dynamics_service.set_gestures(self.agent(code), gestures, self.now())

    def fail_next_generation(
        self, error_message: str = DEFAULT_GENERATION_ERROR, *, at: float = 0.45
    ) -> None:
        """Make the next `POST /v1/agent/generate` fail at fraction `at` of its run."""
        self.agent_store.arm_failure(error_message, at)

    def fail_next_dynamics(self, error_message: str = DEFAULT_DYNAMICS_ERROR) -> None:
        """Make the next dynamics generation end `failed`."""
        self.dynamics_service.arm_failure(error_message)

    def set_regeneration_failure(self, code: str, error: str | None) -> None:
        """Make dynamics `PUT`s answer `regeneration_status: failed` (None: stop)."""
        self.agent(code).dynamics.regeneration_error = error

    # Operations behind the API

    def owned_agent(self, account: Account, code: str) -> AgentRecord:
        """Return `account`'s agent `code`, or raise the documented 404."""
        return self.agent_store.owned(account, code)

    def agents_of(self, account: Account) -> list[AgentRecord]:
        """Return `account`'s agents, newest first."""
        return self.agent_store.of(account)

    def generate_agent(
        self,
        account: Account,
        *,
        engine: str,
        code: str | None,
        prompt: str | None,
        image: str | None,
        key: str | None,
    ) -> AgentRecord:
        """Charge for and start an agent generation (`POST /v1/agent/generate`).

        `image` is the reference image; like bitHuman, the simulator makes a
        portrait of its own rather than using it raw.
        """
        del image
        return self.agent_store.generate(
            account, engine=engine, code=code, prompt=prompt, key=key, now=self.now()
        )

    def generate_dynamics(
        self, account: Account, agent: AgentRecord, key: str | None
    ) -> None:
        """Charge for and start a dynamics generation."""
        self.dynamics_service.generate(account, agent, key, self.now())

    def update_dynamics(
        self, agent: AgentRecord, config: JSONObject, toggle_enabled: bool | None
    ) -> str | None:
        """Merge a dynamics `PUT` and regenerate; return the regeneration error."""
        return self.dynamics_service.update(agent, config, toggle_enabled, self.now())
