"""The simulator's building blocks, without HTTP."""

import pytest

from bithuman_simulator import Fault, ManualClock, RealClock, Simulator
from bithuman_simulator.errors import ApiError
from bithuman_simulator.faults import FaultSet
from bithuman_simulator.generation import (
    PHASES,
    GenerationPlan,
    snapshot,
    start_for_status,
)
from bithuman_simulator.pricing import (
    embed_family,
    looks_stylized,
    resolve_engine,
    supported_models,
)
from bithuman_simulator.rate_limit import RateLimiter, Tier, limit_for
from bithuman_simulator.records import Account
from bithuman_simulator.validation import parse_object, query_int


def test_manual_clock() -> None:
    clock = ManualClock(start=100.0)
    assert clock.now() == 100.0
    assert clock.advance(2.5) == 102.5
    with pytest.raises(ValueError, match="back in time"):
        clock.advance(-1)
    assert ManualClock().now() == ManualClock.DEFAULT_START


def test_real_clock_moves() -> None:
    assert RealClock().now() > ManualClock.DEFAULT_START - 10**9


def test_snapshot_over_a_run() -> None:
    plan = GenerationPlan(started_at=0.0, duration=100.0)
    assert snapshot(plan, -5).status == "processing"
    assert snapshot(plan, 0).current_step == "payment"
    assert snapshot(plan, 11).status == "completed"
    assert snapshot(plan, 23).status == "success"
    assert snapshot(plan, 23).progress == 0.2
    assert snapshot(plan, 47).progress == 0.45
    halfway = snapshot(plan, 72.5)
    assert (halfway.status, halfway.current_step) == ("generating", "lip_sync")
    assert 0.7 < halfway.progress < 0.99
    assert not halfway.terminal
    done = snapshot(plan, 100)
    assert (done.status, done.progress, done.current_step) == ("ready", 1.0, "done")
    assert done.terminal
    assert done.since == 100


def test_snapshot_failure_and_legacy_success() -> None:
    failing = GenerationPlan(0.0, 100.0, fail_at=0.5, error_message="bad")
    assert failing.ends_at == 50
    assert not failing.failed_by(49)
    assert failing.failed_by(50)
    state = snapshot(failing, 60)
    assert (state.status, state.error_message, state.terminal) == (
        "failed",
        "bad",
        True,
    )
    legacy = snapshot(GenerationPlan(0.0, 10.0, final_status="success"), 10)
    assert (legacy.status, legacy.progress, legacy.terminal) == ("success", 1.0, True)
    assert not snapshot(GenerationPlan(0.0, 10.0), 2.3).terminal


def test_start_for_status() -> None:
    for phase in PHASES:
        start = start_for_status(phase.status, 1000.0, 180.0)
        assert snapshot(GenerationPlan(start, 180.0), 1000.0).status == phase.status
    assert start_for_status("ready", 1000.0, 180.0) == 820.0
    with pytest.raises(ValueError, match="unknown"):
        start_for_status("sleeping", 0, 1)


def test_rate_limiter_refills_continuously() -> None:
    clock = ManualClock(start=0.0)
    limiter = RateLimiter(clock)
    decisions = [limiter.take("a", "generate", 4) for _ in range(5)]
    assert [d.allowed for d in decisions] == [True, True, True, True, False]
    assert decisions[0].remaining == 3
    assert decisions[-1].retry_after == 15
    assert decisions[-1].headers()["Retry-After"] == "15"
    assert decisions[-1].reset_at == 60
    assert "Retry-After" not in decisions[0].headers()
    clock.advance(15)
    assert limiter.take("a", "generate", 4).allowed
    assert not limiter.take("a", "generate", 4).allowed
    assert limiter.take("b", "generate", 4).allowed
    assert limiter.take("a", "generate", 30).allowed
    limiter.reset()
    assert limiter.take("a", "generate", 4).remaining == 3


def test_plan_limits() -> None:
    assert limit_for("pro", Tier.READ) == 720
    assert limit_for("business", Tier.WRITE) == 360
    assert limit_for("unknown", Tier.GENERATE) == 4


def test_fault_set() -> None:
    faults = FaultSet()
    glob = faults.add(Fault(path="/v1/agent/*", method="GET", times=1))
    regex = faults.add(Fault(path=r"status/A\d", regex=True))
    assert faults.take("POST", "/v1/agent/A1") is None
    assert faults.take("GET", "/v1/agent/A1") is glob
    assert glob.exhausted
    assert faults.take("GET", "/v1/agent/status/A1") is regex
    assert faults.active() == [regex]
    faults.remove(regex)
    assert faults.active() == []
    faults.add(Fault())
    faults.clear()
    assert faults.take("GET", "/x") is None


def test_engine_resolution() -> None:
    assert resolve_engine(None, None, "") == "expression-1"
    assert resolve_engine(None, "v2", "") == "expression-2"
    assert resolve_engine("essence-1", "v2", "") == "essence-1"
    assert resolve_engine("auto", None, "a dragon") == "expression-2"
    with pytest.raises(ApiError, match="essence-2-max"):
        resolve_engine("essence-2-quality", None, "")
    with pytest.raises(ApiError) as caught:
        resolve_engine("essence-2-max", None, "https://x/anime.png")
    assert caught.value.status == 422
    assert looks_stylized("CARTOON_cat.png")
    assert not looks_stylized("catering manager, dogged and concatenated")
    assert supported_models("expression-2") == ["expression-2"]
    assert embed_family("expression-2-ane") == "expression-2"


def test_body_and_query_parsing() -> None:
    assert parse_object(b"  ") == {}
    assert parse_object(b'{"a": 1}') == {"a": 1}
    assert query_int(None, "n", default=3, minimum=0, maximum=None) == 3
    with pytest.raises(ApiError, match=">= 0"):
        query_int("-2", "n", default=3, minimum=0, maximum=None)
    with pytest.raises(ApiError, match="between 1 and 100"):
        query_int("200", "n", default=3, minimum=1, maximum=100)


def test_account_debits_plan_credits_first() -> None:
    account = Account("u", "e", "pro", plan_credits=100, topup_credits=500)
    account.debit(250)
    assert (account.plan_credits, account.topup_credits) == (0, 350)
    account.credit(250)
    assert account.balance == 600
    overdrawn = Account("u", "e", "pro", plan_credits=-5, topup_credits=10)
    overdrawn.debit(3)
    assert (overdrawn.plan_credits, overdrawn.topup_credits) == (-5, 7)


def test_add_agent_rejects_bad_input() -> None:
    sim = Simulator(clock=ManualClock())
    sim.add_account("s", user_id="u")
    sim.add_agent("s", code="A1")
    with pytest.raises(ValueError, match="exists"):
        sim.add_agent("s", code="A1")
    with pytest.raises(ValueError, match="status"):
        sim.add_agent("s", status="sleeping")
    with pytest.raises(ValueError, match="engine"):
        sim.add_agent("s", model="essence")
    with pytest.raises(ValueError, match="at must"):
        sim.fail_next_generation(at=1.0)
    with pytest.raises(KeyError):
        sim.set_live_rooms("A9", [])
    generated = sim.add_agent("s")
    assert generated.code.startswith("A")
    assert len(generated.code) == 10


def test_deleting_an_agent_owner_keeps_the_ledger_sane() -> None:
    sim = Simulator(clock=ManualClock())
    account = sim.add_account("s", user_id="u")
    sim.fail_next_generation(at=0.0)
    sim.generate_agent(
        account, engine="expression-1", code=None, prompt=None, image=None, key=None
    )
    del sim.accounts["u"]
    assert [entry.kind for entry in sim.ledger] == ["charge", "refund"]


def test_idempotency_replay_expires() -> None:
    clock = ManualClock()
    sim = Simulator(clock=clock)
    account = sim.add_account("s", user_id="u")
    sim.remember(account, "/p", "k", {"agent_id": "A1"})
    assert sim.replay(account, "/p", "k") == {"agent_id": "A1"}
    assert sim.replay(account, "/other", "k") is None
    clock.advance(24 * 3600)
    assert sim.replay(account, "/p", "k") is None
    assert sim.replay(account, "/p", "k") is None
