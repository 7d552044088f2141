"""Dynamics operations: the billed generation, the config `PUT`, job ends."""

from typing import TYPE_CHECKING

from .dynamics import DynamicsJob, gesture_urls
from .pricing import DYNAMICS_COST
from .shared_state import StatePart

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .json_types import JSONObject
    from .records import Account, AgentRecord
    from .shared_state import SharedState


class DynamicsService(StatePart):
    """Starts, updates and finishes agents' dynamics jobs."""

    def __init__(self, shared: SharedState) -> None:
        """Bill into `shared.ledger`; time jobs by `shared.settings`."""
        super().__init__(shared)
        self._next_failure: str | None = None

    def arm_failure(self, error_message: str) -> None:
        """Make the next dynamics generation end `failed`."""
        self._next_failure = error_message

    def generate(
        self, account: Account, agent: AgentRecord, key: str | None, now: float
    ) -> None:
        """Charge 250 credits and start a dynamics generation.

        A second generation while one runs is billed and restarts the job, as
        the docs allow it (they document no refusal).
        """
        self._ledger.charge(
            account,
            DYNAMICS_COST,
            reason="dynamics_generation",
            agent_code=agent.code,
            key=key,
            at=now,
        )
        error = self._next_failure
        self._next_failure = None
        agent.dynamics.job = DynamicsJob(
            kind="generate",
            started_at=now,
            duration=self._settings.dynamics_seconds,
            error_message=error,
            charged=DYNAMICS_COST,
            idempotency_key=key,
        )

    def update(
        self,
        agent: AgentRecord,
        config: JSONObject,
        toggle_enabled: bool | None,
        now: float,
    ) -> str | None:
        """Merge a dynamics `PUT` and regenerate; return the regeneration error.

        Only generated dynamics regenerate (status `generating`, then `ready`
        again with the same `url`); a running generation is left to finish.
        """
        record = agent.dynamics
        record.config.update(config)
        if toggle_enabled is not None:
            record.toggle_enabled = toggle_enabled
        agent.updated_at = now
        if record.regeneration_error is not None:
            return record.regeneration_error
        idle = record.job is None or record.job.kind != "generate"
        if idle and record.url is not None:
            record.job = DynamicsJob(
                kind="regenerate",
                started_at=now,
                duration=self._settings.regeneration_seconds,
            )
        return None

    @staticmethod
    def set_gestures(agent: AgentRecord, gestures: Sequence[str], now: float) -> None:
        """Set the gestures the agent's dynamics produce (at once, if generated)."""
        record = agent.dynamics
        record.gesture_names = list(gestures)
        if record.url is not None:
            record.gestures = gesture_urls(agent.code, record.gesture_names, now)

    def settle(self, now: float) -> None:
        """Finish the jobs the clock has ended, refunding failed generations."""
        for agent in list(self._agents.values()):
            job = agent.dynamics.job
            if job is None or now < job.ends_at:
                continue
            succeeded = agent.dynamics.finish(agent.code, job)
            if not succeeded and job.charged:
                self._ledger.refund(
                    self._accounts.get(agent.owner),
                    agent.owner,
                    job.charged,
                    reason="dynamics_generation_refund",
                    agent_code=agent.code,
                    key=job.idempotency_key,
                    at=job.ends_at,
                )
