"""A local simulator of the bitHuman API, for tests, benchmarks and development.

It follows `reference/bithuman-docs/openapi.yaml` and the guides beside it:
the same routes, request checks, response shapes (flat, `{success, data}` or
`{data, status, status_code}` as each endpoint has it) and error envelope
`{"error": {code, message, httpStatus}, "status": "error", "status_code": N}`.

State machines run on an injected clock, never on sleeps::

    sim = Simulator(clock=ManualClock(), rate_limits=True)
    sim.add_account("secret-123", user_id="u-1", email="ada@example.com",
                    plan="pro", credits=10_000)
    sim.add_agent("secret-123", code="A12345678", name="Front Door",
                  status="ready", dynamics="ready", gestures=["mini_wave_hello"])
    sim.set_live_rooms("A12345678", ["lobby"])
    app = create_app(sim)                    # or: async with SimulatorServer(sim)
    sim.clock.advance(30)                    # generations move on with the clock

- Agents: `add_agent(owner, status=..., dynamics=...)`, `start_generation`
  (charged like the endpoint), `agent(code)`, `delete_agent`,
  `set_live_rooms`, `set_gestures`, `fail_next_generation`,
  `fail_next_dynamics`, `set_regeneration_failure`, `agent_json`,
  `dynamics_json`. A generation runs `generation_seconds` (180 by default)
  through processing, generating, completed, success and ready; dynamics take
  `dynamics_seconds` (120); a dynamics PUT regenerates for
  `regeneration_seconds` (30).
- Accounts and credits: `add_account`, `add_secret`, `revoke_secret`,
  `set_credits`, `set_account_status`; every charge and refund is in
  `ledger` (`charges(owner)` for the charges alone), with its
  `Idempotency-Key`, so a retried generate can be shown to charge once.
- Faults: `add_fault(Fault(...))`, `remove_fault`, `clear_faults`,
  `set_outage(True, mode="drop" | "503")`; rate limits per plan and cost tier
  unless `rate_limits=False`.
- Live sessions: a live room is a session billed per minute
  (`set_live_rooms`, `start_session`, `end_session`, `sessions`, `usage`,
  `add_transcript_message`); `GET /v2/{user_id}/runtime-sessions` and
  `terminate` serve them. `set_worker_present(code, room, False)` leaves a
  live room without its avatar worker: messages skip it, as bitHuman's
  `rooms_skipped_no_worker` says.
- Webhooks are really delivered, signed: `webhook_transport`,
  `rewrite_webhooks`, `await flush_webhooks()`, `send_webhook_event`,
  `send_forged_webhook`, `replay_webhook`, `webhook_deliveries`.
- Voices and `/v1/tts` answer real audio (`add_voice_code`,
  `settings.tts_max_chars`); `/embed/{code}?token=` checks embed tokens;
  portraits are served under `/assets` (`set_portrait`).
- Odd answers: `override_agent_fields` / `override_dynamics_fields` (with
  `REMOVE`), and `Fault(patch=..., headers=...)` for whole answers.
- What happened: `requests` (secrets shown as `***`), `count(method,
  path_prefix)`, `clear_requests()`, `messages` / `messages_for(code)` (what
  the avatar was told to say or learn, per room), `page_log` (embed pages
  and portraits).
- `/_simulator/...` drives a running server from other processes (see
  `control`); `python -m bithuman_simulator --port 8765 --demo` runs one.
"""

from .app import create_app
from .clock import Clock, ManualClock, RealClock
from .demo import DEMO_SECRET, seed_demo
from .faults import Fault
from .overrides import REMOVE
from .server import SimulatorServer
from .simulator import Simulator

__all__ = [
    "DEMO_SECRET",
    "REMOVE",
    "Clock",
    "Fault",
    "ManualClock",
    "RealClock",
    "Simulator",
    "SimulatorServer",
    "create_app",
    "seed_demo",
]
