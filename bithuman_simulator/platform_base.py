"""What the simulator's method groups share: its parts and core methods.

`Simulator` is assembled from `AgentPlatform` (agents) and `LivePlatform`
(sessions, webhooks, voices, odd answers); both build on this base, which
names the parts the simulator owns and the core methods it defines.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .agent_store import AgentStore
    from .dynamics_service import DynamicsService
    from .ids import IdSource
    from .ledger import Ledger
    from .overrides import FieldOverrides
    from .records import Account, AgentRecord
    from .sessions import SessionBook
    from .settings import Settings
    from .webhook_dispatch import WebhookDispatcher
    from .webhook_registry import WebhookRegistry


class PlatformBase:
    """The parts every method group of the simulator works on."""

    ids: IdSource
    settings: Settings
    public_url: str | None
    ledger_book: Ledger
    agent_store: AgentStore
    dynamics_service: DynamicsService
    session_book: SessionBook
    webhook_registry: WebhookRegistry
    dispatcher: WebhookDispatcher
    overrides: FieldOverrides
    voice_codes: dict[str, dict[str, str]]

    def now(self) -> float:
        """Return the clock's time."""
        raise NotImplementedError

    def settle(self) -> None:
        """Apply what the clock made happen."""
        raise NotImplementedError

    def agent(self, code: str) -> AgentRecord:
        """Return the agent with this code, settled to now."""
        raise NotImplementedError

    def account(self, owner: str) -> Account:
        """Return the account with this user id or secret, settled to now."""
        raise NotImplementedError

    @property
    def agents(self) -> dict[str, AgentRecord]:
        """Return every agent by code."""
        raise NotImplementedError
