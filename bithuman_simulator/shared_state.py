"""What the simulator's stateful parts share: ids, ledger, accounts, agents."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .ids import IdSource
    from .ledger import Ledger
    from .records import Account, AgentRecord
    from .settings import Settings


@dataclass(frozen=True, slots=True)
class SharedState:
    """The id source, ledger, accounts, agents and settings of one simulator."""

    ids: IdSource
    ledger: Ledger
    accounts: dict[str, Account]
    agents: dict[str, AgentRecord]
    settings: Settings


class StatePart:
    """A part of the simulator that works on its `SharedState`."""

    def __init__(self, shared: SharedState) -> None:
        """Draw ids, bill, find owners and agents, and time runs by `shared`."""
        self._ids = shared.ids
        self._ledger = shared.ledger
        self._accounts = shared.accounts
        self._agents = shared.agents
        self._settings = shared.settings
