"""Accounts and the API secrets that reach them."""

from typing import TYPE_CHECKING

from .records import Account

if TYPE_CHECKING:
    from .ids import IdSource

ACCOUNT_STATUSES = frozenset({"active", "suspended"})
SUSPENSION_STATUSES = frozenset({401, 403})


class AccountBook:
    """Every account by user id, and which secret belongs to which."""

    def __init__(self, ids: IdSource) -> None:
        """Start empty; draw generated user ids from `ids`."""
        self._ids = ids
        self.accounts: dict[str, Account] = {}
        self._secrets: dict[str, str] = {}

    def add(
        self,
        secret: str,
        *,
        user_id: str | None,
        email: str | None,
        plan: str,
        plan_credits: float,
        topup_credits: float,
    ) -> Account:
        """Create an account reachable with `secret`."""
        if secret in self._secrets:
            raise ValueError("that secret already belongs to an account")
        user_id = user_id or self._ids.uuid()
        if user_id in self.accounts:
            raise ValueError(f"account {user_id} already exists")
        account = Account(
            user_id=user_id,
            email=email or f"{user_id}@example.com",
            plan=plan,
            plan_credits=float(plan_credits),
            topup_credits=float(topup_credits),
        )
        self.accounts[user_id] = account
        self._secrets[secret] = user_id
        return account

    def add_secret(self, user_id: str, secret: str) -> None:
        """Let one more `secret` reach the account `user_id`."""
        self.get(user_id)
        if secret in self._secrets:
            raise ValueError("that secret already belongs to an account")
        self._secrets[secret] = user_id

    def revoke_secret(self, secret: str) -> None:
        """Make `secret` invalid (a rotated key)."""
        self._secrets.pop(secret, None)

    def get(self, owner: str) -> Account:
        """Return the account with this user id or secret (KeyError if none)."""
        user_id = self._secrets.get(owner, owner)
        if user_id not in self.accounts:
            raise KeyError(f"no account {owner!r}")
        return self.accounts[user_id]

    def authenticate(self, secret: str) -> Account | None:
        """Return the account `secret` belongs to, if any."""
        user_id = self._secrets.get(secret)
        return None if user_id is None else self.accounts.get(user_id)

    def set_status(self, owner: str, status: str, http_status: int = 401) -> None:
        """Set `active` or `suspended`; a suspension answers `http_status`."""
        if status not in ACCOUNT_STATUSES:
            raise ValueError(f"unknown account status: {status}")
        if http_status not in SUSPENSION_STATUSES:
            raise ValueError("a suspension answers 401 or 403")
        account = self.get(owner)
        account.status = status
        account.suspended_http_status = http_status
