"""The ledger: every charge, refund and billed session minute."""

from typing import TYPE_CHECKING

from .errors import insufficient_balance
from .records import LedgerEntry

if TYPE_CHECKING:
    from .records import Account, LedgerKind


class Ledger:
    """Moves credits on accounts and writes down each movement."""

    def __init__(self) -> None:
        """Start with no entries."""
        self._entries: list[LedgerEntry] = []

    @property
    def entries(self) -> list[LedgerEntry]:
        """Return every entry in clock order."""
        return sorted(self._entries, key=lambda entry: entry.time)

    def charge(
        self,
        account: Account,
        amount: int,
        *,
        reason: str,
        agent_code: str | None,
        key: str | None,
        at: float,
    ) -> None:
        """Charge a one-time `amount`, or raise the 402 when the balance is short."""
        if account.balance < amount:
            raise insufficient_balance()
        account.debit(amount)
        self._write(
            LedgerEntry(account.user_id, "charge", amount, reason, agent_code, key, at)
        )

    def refund(
        self,
        account: Account | None,
        user_id: str,
        amount: int,
        *,
        reason: str,
        agent_code: str,
        key: str | None,
        at: float,
    ) -> None:
        """Give `amount` back to `user_id`'s account (if it still exists)."""
        if account is not None:
            account.credit(amount)
        self._write(LedgerEntry(user_id, "refund", amount, reason, agent_code, key, at))

    def bill_usage(
        self,
        account: Account,
        amount: int,
        *,
        reason: str,
        agent_code: str,
        session_id: str,
        at: float,
    ) -> None:
        """Bill one minute of a live session (the balance may go negative)."""
        account.debit(amount)
        self._write(
            LedgerEntry(
                account.user_id,
                "usage",
                amount,
                reason,
                agent_code,
                None,
                at,
                session_id,
            )
        )

    def of_kind(self, kind: LedgerKind, user_id: str | None) -> list[LedgerEntry]:
        """Return the entries of one kind, of one account or all, in clock order."""
        return [
            entry
            for entry in self.entries
            if entry.kind == kind and user_id in {None, entry.user_id}
        ]

    def usage_between(self, user_id: str, start: float, end: float) -> int:
        """Return the credits `user_id`'s sessions were billed in (start, end]."""
        return sum(
            entry.amount
            for entry in self._entries
            if entry.kind == "usage"
            and entry.user_id == user_id
            and start < entry.time <= end
        )

    def _write(self, entry: LedgerEntry) -> None:
        self._entries.append(entry)
