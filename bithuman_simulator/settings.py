"""The simulator's tunable settings, shared by its parts."""

from dataclasses import dataclass, field

DEFAULT_RETRY_DELAYS: tuple[float, ...] = (10.0, 60.0, 300.0)


@dataclass(slots=True)
class Settings:
    """How long jobs take and how the optional behaviours are set.

    - `generation_seconds`: an agent generation's run; `dynamics_seconds` a
      dynamics generation; `regeneration_seconds` the regeneration a
      dynamics `PUT` starts.
    - `tts_max_chars`: longest text `POST /v1/tts` accepts (None: any length,
      as the docs say), to test a client's splitting.
    - `embed_starts_sessions`: an embed page opened with a valid token opens
      a live session (as the real widget does); it ends when the page has
      sent no heartbeat for `embed_idle_seconds` or says it left.
    - `webhook_retry_delays`: seconds before each retry of a failed delivery
      (webhooks.md: up to 3 retries with backoff).
    - `bill_sessions`: live sessions bill their minutes (debit and `usage`
      ledger entries). Off, they still run, show their burn rate and count
      minutes, but charge nothing: for tests that compare balances over time.
    """

    generation_seconds: float = 180.0
    dynamics_seconds: float = 120.0
    regeneration_seconds: float = 30.0
    tts_max_chars: int | None = None
    embed_starts_sessions: bool = True
    embed_idle_seconds: float = 60.0
    bill_sessions: bool = True
    webhook_retry_delays: tuple[float, ...] = field(
        default_factory=lambda: DEFAULT_RETRY_DELAYS
    )
