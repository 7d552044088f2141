"""Repairs: new agents offered, the out-of-credits notice and when it goes."""

from __future__ import annotations

from datetime import UTC, datetime

from homeassistant.components.repairs import (
    DOMAIN as REPAIRS_DOMAIN,
    repairs_flow_manager,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from bithuman_simulator import REMOVE, Simulator
from custom_components.bithuman.const import DOMAIN
from custom_components.bithuman.repairs import (
    ISSUE_INSUFFICIENT_CREDITS,
    ISSUE_NEW_AGENT,
)

from .conftest import (
    ACCOUNT_KEY,
    KITCHEN,
    OTHER_EMAIL,
    OTHER_USER_ID,
    USER_ID,
    Advance,
    EntryIssue,
    agent_subentry,
    set_up_entry,
)


async def _fix(hass: HomeAssistant, issue: str) -> None:
    assert await async_setup_component(hass, REPAIRS_DOMAIN, {})
    manager = repairs_flow_manager(hass)
    assert manager is not None
    flow = await manager.async_init(DOMAIN, data={"issue_id": issue})
    assert flow["step_id"] == "confirm"
    result = await manager.async_configure(flow["flow_id"], {})
    assert result["type"] == "create_entry"
    await hass.async_block_till_done()


async def _porch_created(simulator: Simulator, advance: Advance) -> None:
    """Create Porch on bitHuman after the account was added, and poll it."""
    await advance(60)
    simulator.add_agent(ACCOUNT_KEY, code="A70000001", name="Porch")
    await advance(120)


async def _porch_offered_and_added(
    hass: HomeAssistant, simulator: Simulator, advance: Advance, entry_issue: EntryIssue
) -> None:
    """Create Porch on bitHuman; check it is offered, and add it through the repair."""
    await _porch_created(simulator, advance)
    issue = entry_issue(ISSUE_NEW_AGENT, "A70000001")
    assert issue is not None
    assert issue.translation_placeholders == {"name": "Porch", "code": "A70000001"}
    await _fix(hass, issue.issue_id)


async def test_agent_created_on_bithuman_is_offered(
    hass: HomeAssistant, simulator: Simulator, advance: Advance, entry_issue: EntryIssue
) -> None:
    """A new agent shows as a repair; fixing it adds the agent's device."""
    await _porch_offered_and_added(hass, simulator, advance, entry_issue)
    assert hass.states.get("sensor.porch_status").state == "ready"
    assert entry_issue(ISSUE_NEW_AGENT, "A70000001") is None


def _other_account_has(hass: HomeAssistant, code: str | None) -> MockConfigEntry:
    """Store the entry of another member of the organization (with agent `code`)."""
    other = MockConfigEntry(
        domain=DOMAIN,
        title=OTHER_EMAIL,
        unique_id=OTHER_USER_ID,
        subentries_data=[agent_subentry(code, "Porch")] if code else [],
    )
    other.add_to_hass(hass)
    return other


async def test_an_agent_another_account_has_is_not_offered(
    hass: HomeAssistant, simulator: Simulator, advance: Advance, entry_issue: EntryIssue
) -> None:
    """Shared in a bitHuman organization and added there: shown once, not twice."""
    _other_account_has(hass, "A70000001")
    await _porch_created(simulator, advance)
    assert entry_issue(ISSUE_NEW_AGENT, "A70000001") is None


async def test_an_agent_another_account_added_meanwhile_is_not_added_twice(
    hass: HomeAssistant, simulator: Simulator, advance: Advance, entry_issue: EntryIssue
) -> None:
    """The repair was raised first; the fix then says which account has the agent."""
    await _porch_created(simulator, advance)
    issue = entry_issue(ISSUE_NEW_AGENT, "A70000001")
    assert issue is not None
    _other_account_has(hass, "A70000001")

    assert await async_setup_component(hass, REPAIRS_DOMAIN, {})
    manager = repairs_flow_manager(hass)
    assert manager is not None
    flow = await manager.async_init(DOMAIN, data={"issue_id": issue.issue_id})
    result = await manager.async_configure(flow["flow_id"], {})
    assert result["type"] == "abort"
    assert result["reason"] == "agent_in_other_account"
    assert result["description_placeholders"] == {"account": OTHER_EMAIL}
    assert hass.states.get("sensor.porch_status") is None


async def test_an_agent_another_account_offers_is_offered_once(
    hass: HomeAssistant, simulator: Simulator, advance: Advance, entry_issue: EntryIssue
) -> None:
    """Two accounts of one organization see the same new agent: one repair."""
    other = _other_account_has(hass, None)
    ir.async_create_issue(
        hass,
        DOMAIN,
        f"{ISSUE_NEW_AGENT}_{other.entry_id}_A70000001",
        is_fixable=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key=ISSUE_NEW_AGENT,
        translation_placeholders={"name": "Porch", "code": "A70000001"},
        data={"entry_id": other.entry_id, "name": "Porch", "code": "A70000001"},
    )
    await _porch_created(simulator, advance)
    assert entry_issue(ISSUE_NEW_AGENT, "A70000001") is None


async def test_a_declined_agent_deleted_on_bithuman_leaves_no_repair(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
    entry_issue: EntryIssue,
) -> None:
    """Its ignored repair goes with it: nothing to add from Repairs' ignored list."""
    code = await _generated_without_adding(hass, init_integration, advance)
    assert entry_issue(ISSUE_NEW_AGENT, code) is not None
    simulator.delete_agent(code)
    await advance(120)
    assert entry_issue(ISSUE_NEW_AGENT, code) is None


async def test_removing_an_agent_added_with_the_account_raises_nothing(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    advance: Advance,
    issue_registry: ir.IssueRegistry,
) -> None:
    """It was never going to be offered: no ignored repair says it is new."""
    [kitchen] = [
        s for s in init_integration.subentries.values() if s.unique_id == KITCHEN
    ]
    assert hass.config_entries.async_remove_subentry(
        init_integration, kitchen.subentry_id
    )
    await hass.async_block_till_done()
    await advance(120)
    assert not issue_registry.issues


async def test_an_agent_created_at_a_time_without_offset_is_offered(
    hass: HomeAssistant, simulator: Simulator, advance: Advance, entry_issue: EntryIssue
) -> None:
    """Times from bitHuman are UTC: one written without an offset still compares."""
    simulator.add_agent(ACCOUNT_KEY, code="A70000001", name="Porch")
    created = datetime.fromtimestamp(simulator.now() + 60, UTC)
    simulator.override_agent_fields(
        "A70000001", {"created_at": created.replace(tzinfo=None).isoformat()}
    )
    await advance(120)
    assert entry_issue(ISSUE_NEW_AGENT, "A70000001") is not None
    assert hass.states.get("sensor.kitchen_status").state == "ready"


async def _generated_without_adding(
    hass: HomeAssistant, entry: MockConfigEntry, advance: Advance
) -> str:
    """Generate an agent with add_agent false; return its code once it is listed."""
    await advance(60)
    response = await hass.services.async_call(
        DOMAIN,
        "generate_agent",
        {"config_entry_id": entry.entry_id, "prompt": "A greeter", "add_agent": False},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    await advance(120)
    return str(response["agent_id"])


async def test_an_agent_generated_without_adding_it_is_not_offered(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
    entry_issue: EntryIssue,
) -> None:
    """add_agent false was the user's choice: its repair is made already ignored."""
    code = await _generated_without_adding(hass, init_integration, advance)
    issue = entry_issue(ISSUE_NEW_AGENT, code)
    assert issue is not None
    assert issue.dismissed_version is not None
    assert issue.active

    # One list where its record says nothing of when it was made: the
    # choice is kept for the next list that does.
    simulator.override_agent_fields(code, {"created_at": REMOVE})
    await advance(120)
    simulator.clear_field_overrides(code)
    await advance(120)
    issue = entry_issue(ISSUE_NEW_AGENT, code)
    assert issue is not None
    assert issue.dismissed_version is not None


async def test_an_agent_the_user_removed_is_not_offered_again(
    hass: HomeAssistant, simulator: Simulator, advance: Advance, entry_issue: EntryIssue
) -> None:
    """Added through its repair, then deleted: the repair stays ignored."""
    await _porch_offered_and_added(hass, simulator, advance, entry_issue)
    [entry] = hass.config_entries.async_entries(DOMAIN)
    [porch] = [s for s in entry.subentries.values() if s.unique_id == "A70000001"]

    assert hass.config_entries.async_remove_subentry(entry, porch.subentry_id)
    await hass.async_block_till_done()
    await advance(120)
    issue = entry_issue(ISSUE_NEW_AGENT, "A70000001")
    assert issue is not None
    assert issue.dismissed_version is not None
    assert issue.translation_placeholders == {"name": "Porch", "code": "A70000001"}


async def test_agents_left_out_at_setup_are_not_offered(
    hass: HomeAssistant,
    config_entry_factory: type[MockConfigEntry],
    agents: dict[str, str],
    advance: Advance,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Leaving an agent out when adding the account was a choice: no nagging."""
    await set_up_entry(hass, config_entry_factory(agents={KITCHEN: "Kitchen"}))
    await advance(120)
    assert not issue_registry.issues


async def test_out_of_credits_says_how_many_and_goes_after_a_top_up(
    hass: HomeAssistant, simulator: Simulator, advance: Advance, entry_issue: EntryIssue
) -> None:
    """The notice names the credits needed, and goes at the next account read."""
    simulator.set_credits(USER_ID, 100)
    await hass.services.async_call(
        DOMAIN,
        "generate_dynamics",
        {},
        target={"entity_id": "sensor.kitchen_status"},
        blocking=False,
    )
    await hass.async_block_till_done()
    issue = entry_issue(ISSUE_INSUFFICIENT_CREDITS)
    assert issue is not None
    assert issue.translation_placeholders["needed"] == "250"

    simulator.set_credits(USER_ID, 200)
    await advance(900)
    assert entry_issue(ISSUE_INSUFFICIENT_CREDITS) is not None
    simulator.set_credits(USER_ID, 1000)
    await advance(900)
    assert entry_issue(ISSUE_INSUFFICIENT_CREDITS) is None
