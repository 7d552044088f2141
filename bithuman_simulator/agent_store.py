"""Agents: creating them, generating them (billed), and noticing runs end."""

from dataclasses import dataclass
import random
from typing import TYPE_CHECKING, Literal

from .dynamics import (
    DEFAULT_DYNAMICS_ERROR,
    DEFAULT_GESTURES,
    DynamicsJob,
    DynamicsRecord,
    asset_url,
    gesture_urls,
)
from .errors import ApiError, agent_not_found
from .generation import (
    DEFAULT_GENERATION_ERROR,
    GenerationPlan,
    snapshot,
    start_for_status,
)
from .ids import new_agent_code
from .portraits import new_portrait
from .pricing import ENGINE_COST
from .records import AgentRecord
from .shared_state import StatePart

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .records import Account
    from .shared_state import SharedState

DEFAULT_PROMPT = "You are a friendly and helpful assistant."
AGENT_STATUSES = frozenset(
    {"processing", "generating", "completed", "success", "ready", "failed"}
)
TERMINAL_STATUSES = frozenset({"ready", "failed"})

type DynamicsSetup = Literal["none", "ready", "generating", "failed"]


@dataclass(frozen=True, slots=True)
class GenerationEnded:
    """An agent generation that the clock has just made finish."""

    agent: AgentRecord
    event: Literal["agent.ready", "agent.failed"]
    at: float
    error: str | None


@dataclass(frozen=True, slots=True)
class AgentSetup:
    """What `add_agent` asks for, beyond the code and owner."""

    name: str = "bitHuman Agent"
    status: str = "ready"
    model: str = "expression-1"
    system_prompt: str = DEFAULT_PROMPT
    description: str = ""
    image_url: str | None = None
    dynamics: DynamicsSetup = "none"
    gestures: Sequence[str] | None = None
    dynamics_enabled: bool | None = None
    generation_seconds: float | None = None
    error_message: str = DEFAULT_GENERATION_ERROR
    legacy_success: bool = False


class AgentStore(StatePart):
    """Every agent by code, their generations and the failures armed for them."""

    def __init__(self, shared: SharedState) -> None:
        """Keep `shared.agents`; draw codes, bill and time runs by `shared`."""
        super().__init__(shared)
        self.agents = shared.agents
        self._sequence = 0
        self._next_failure: tuple[float, str] | None = None

    def add(
        self, account: Account, code: str | None, setup: AgentSetup, now: float
    ) -> AgentRecord:
        """Create an agent showing `setup.status` now (see `Simulator.add_agent`)."""
        if setup.status not in AGENT_STATUSES:
            raise ValueError(f"unknown agent status: {setup.status}")
        if setup.model not in ENGINE_COST:
            raise ValueError(f"unknown engine: {setup.model}")
        code = code or self._ids.agent_code(self.agents)
        if code in self.agents:
            raise ValueError(f"agent {code} already exists")
        duration = setup.generation_seconds or self._settings.generation_seconds
        plan = GenerationPlan(
            started_at=start_for_status(setup.status, now, duration),
            duration=duration,
            fail_at=0.45 if setup.status == "failed" else None,
            error_message=setup.error_message,
            final_status="success" if setup.legacy_success else "ready",
        )
        agent = self._store(
            account,
            code=code,
            name=setup.name,
            model=setup.model,
            system_prompt=setup.system_prompt,
            image_url=setup.image_url,
            plan=plan,
            now=now,
        )
        agent.description = setup.description
        agent.dynamics = self._dynamics_setup(code, setup, now)
        agent.generation_reported = setup.status in TERMINAL_STATUSES
        return agent

    def _dynamics_setup(
        self, code: str, setup: AgentSetup, now: float
    ) -> DynamicsRecord:
        names = (
            list(setup.gestures)
            if setup.gestures is not None
            else list(DEFAULT_GESTURES)
        )
        record = DynamicsRecord(gesture_names=names)
        if setup.dynamics_enabled is not None:
            record.config["enabled"] = setup.dynamics_enabled
        if setup.dynamics == "ready":
            record.url = asset_url(code, "dynamics", now, "imx")
            record.gestures = gesture_urls(code, names, now)
        elif setup.dynamics == "generating":
            record.job = DynamicsJob("generate", now, self._settings.dynamics_seconds)
        elif setup.dynamics == "failed":
            record.status = "failed"
            record.error_message = DEFAULT_DYNAMICS_ERROR
        return record

    def _store(
        self,
        account: Account,
        *,
        code: str,
        name: str,
        model: str,
        system_prompt: str,
        image_url: str | None,
        plan: GenerationPlan,
        now: float,
    ) -> AgentRecord:
        self._sequence += 1
        agent = AgentRecord(
            code=code,
            owner=account.user_id,
            name=name,
            model=model,
            system_prompt=system_prompt,
            image_url=image_url,
            portrait=new_portrait(code, now),
            voice_id=f"voice_{self._ids.hex(48)}",
            plan=plan,
            created_at=now,
            updated_at=now,
            sequence=self._sequence,
        )
        self.agents[code] = agent
        return agent

    def arm_failure(self, error_message: str, at: float) -> None:
        """Make the next generation fail at fraction `at` of its run."""
        if not 0.0 <= at < 1.0:
            raise ValueError("at must be in [0, 1)")
        self._next_failure = (at, error_message)

    def generate(
        self,
        account: Account,
        *,
        engine: str,
        code: str | None,
        prompt: str | None,
        key: str | None,
        now: float,
    ) -> AgentRecord:
        """Charge for and start an agent generation (`POST /v1/agent/generate`).

        The portrait is the simulator's own, as bitHuman always regenerates a
        supplied image rather than using it raw.
        """
        if code is not None and code in self.agents:
            raise ApiError(400, "VALIDATION_ERROR", f"Agent id {code} already exists")
        if code is None and key is not None:
            code = new_agent_code(random.Random(f"{account.user_id}:{key}"))
            if code in self.agents:
                code = None
        code = code or self._ids.agent_code(self.agents)
        cost = ENGINE_COST[engine]
        self._ledger.charge(
            account,
            cost,
            reason=f"agent_generation:{engine}",
            agent_code=code,
            key=key,
            at=now,
        )
        failure = self._next_failure
        self._next_failure = None
        plan = GenerationPlan(
            started_at=now,
            duration=self._settings.generation_seconds,
            fail_at=None if failure is None else failure[0],
            error_message=DEFAULT_GENERATION_ERROR if failure is None else failure[1],
        )
        agent = self._store(
            account,
            code=code,
            name=f"Agent {code}",
            model=engine,
            system_prompt=prompt or DEFAULT_PROMPT,
            image_url=None,
            plan=plan,
            now=now,
        )
        agent.charged = cost
        agent.idempotency_key = key
        return agent

    def owned(self, account: Account, code: str) -> AgentRecord:
        """Return `account`'s agent `code`, or raise the documented 404."""
        agent = self.agents.get(code)
        if agent is None or agent.owner != account.user_id:
            raise agent_not_found(code)
        return agent

    def of(self, account: Account) -> list[AgentRecord]:
        """Return `account`'s agents, newest first."""
        owned = [a for a in self.agents.values() if a.owner == account.user_id]
        return sorted(owned, key=lambda a: (a.created_at, a.sequence), reverse=True)

    def settle(self, now: float) -> list[GenerationEnded]:
        """Refund failed runs; return the runs that have ended since last time."""
        ended: list[GenerationEnded] = []
        for agent in list(self.agents.values()):
            plan = agent.plan
            if plan.failed_by(now) and agent.charged and not agent.refunded:
                agent.refunded = True
                self._ledger.refund(
                    self._accounts.get(agent.owner),
                    agent.owner,
                    agent.charged,
                    reason="agent_generation_refund",
                    agent_code=agent.code,
                    key=agent.idempotency_key,
                    at=plan.ends_at,
                )
            if agent.generation_reported:
                continue
            state = snapshot(plan, now)
            if state.terminal:
                agent.generation_reported = True
                failed = state.status == "failed"
                ended.append(
                    GenerationEnded(
                        agent,
                        "agent.failed" if failed else "agent.ready",
                        plan.ends_at,
                        state.error_message,
                    )
                )
        return ended
