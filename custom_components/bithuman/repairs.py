"""Repair issues: agents deleted upstream or new there, credits, a suspended account."""

from __future__ import annotations

from collections.abc import Collection
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from homeassistant.components.repairs import ConfirmRepairFlow, RepairsFlow
from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import CONF_AGENT_CODE, DOMAIN, SUBENTRY_TYPE_AGENT, TOP_UP_URL
from .flow_helpers import agents_of_other_accounts

if TYPE_CHECKING:
    # Only a type: the name is newer than the releases this integration runs on.
    from homeassistant.components.repairs import RepairsFlowResult

    from .coordinator import BithumanCoordinator, BithumanData

ISSUE_AGENT_DELETED = "agent_deleted"
ISSUE_NEW_AGENT = "new_agent"
ISSUE_INSUFFICIENT_CREDITS = "insufficient_credits"
ISSUE_ACCOUNT_SUSPENDED = "account_suspended"


def issue_id(kind: str, entry_id: str, code: str | None = None) -> str:
    """Return the id of an issue of an entry (and of one agent)."""
    return f"{kind}_{entry_id}" + (f"_{code}" if code else "")


@callback
def async_delete_entry_issues(hass: HomeAssistant, entry_id: str) -> None:
    """Withdraw every issue of an entry."""
    for domain, issue in list(ir.async_get(hass).issues):
        if domain == DOMAIN and entry_id in issue:
            ir.async_delete_issue(hass, DOMAIN, issue)


def _sync_agent_issues(
    hass: HomeAssistant,
    kind: str,
    entry: ConfigEntry,
    wanted: dict[str, dict[str, Any]],
    *,
    keep_ignored: Collection[str] = (),
) -> None:
    """Keep exactly one fixable issue of this kind per agent in ``wanted``.

    An ignored issue of an agent in ``keep_ignored`` stays too: the user's
    choice is not lost when one read of the agent says less than the last.
    """
    registry = ir.async_get(hass)
    prefix = issue_id(kind, entry.entry_id)
    keep = {issue_id(kind, entry.entry_id, code) for code in wanted}
    for code in keep_ignored:
        ignored = registry.async_get_issue(DOMAIN, issue_id(kind, entry.entry_id, code))
        if ignored is not None and ignored.dismissed_version:
            keep.add(ignored.issue_id)
    for domain, issue in list(registry.issues):
        if domain == DOMAIN and issue.startswith(prefix) and issue not in keep:
            ir.async_delete_issue(hass, DOMAIN, issue)
    for code, data in wanted.items():
        _create_agent_issue(hass, kind, entry, code, data)


def _offered_by_other_accounts(hass: HomeAssistant, entry: ConfigEntry) -> set[str]:
    """Return the agents another entry offers as new (or was told to leave out)."""
    own = issue_id(ISSUE_NEW_AGENT, entry.entry_id)
    return {
        str(issue.data["code"])
        for (domain, key), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN
        and key.startswith(f"{ISSUE_NEW_AGENT}_")
        and not key.startswith(own)
        and issue.data
    }


def _create_agent_issue(
    hass: HomeAssistant, kind: str, entry: ConfigEntry, code: str, data: dict[str, Any]
) -> None:
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id(kind, entry.entry_id, code),
        is_fixable=True,
        is_persistent=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=kind,
        translation_placeholders={"name": data["name"], "code": code},
        data={"entry_id": entry.entry_id, **data, "code": code},
    )


@callback
def async_decline_new_agent(
    hass: HomeAssistant, entry: ConfigEntry, code: str, name: str
) -> None:
    """Offer the agent as new no more: the user chose not to have it here.

    Its issue is made and ignored at once; the polls keep it (and so the
    choice) while the agent is not added, and Repairs' ignored issues are
    where the choice can be taken back.
    """
    _create_agent_issue(hass, ISSUE_NEW_AGENT, entry, code, {"name": name})
    ir.async_ignore_issue(
        hass, DOMAIN, issue_id(ISSUE_NEW_AGENT, entry.entry_id, code), ignore=True
    )


@callback
def async_decline_removed_agents(
    hass: HomeAssistant, entry: ConfigEntry, coordinator: BithumanCoordinator
) -> None:
    """Decline the agents the user just removed, so none is offered again as new.

    Only agents made after the account would be offered: an older one, or
    one deleted on bitHuman, needs no word.
    """
    kept = {
        subentry.data[CONF_AGENT_CODE]
        for subentry in entry.get_subentries_of_type(SUBENTRY_TYPE_AGENT)
    }
    for code in coordinator.tracked - kept:
        agent = coordinator.data.agents.get(code)
        if agent and agent.created_at and agent.created_at > entry.created_at:
            async_decline_new_agent(hass, entry, code, agent.name or code)


@callback
def async_raise_account_suspended(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Tell the user bitHuman suspended the account, and where to top it up."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id(ISSUE_ACCOUNT_SUSPENDED, entry.entry_id),
        is_fixable=False,
        severity=ir.IssueSeverity.ERROR,
        learn_more_url=TOP_UP_URL,
        translation_key=ISSUE_ACCOUNT_SUSPENDED,
        translation_placeholders={"account": entry.title},
    )


@callback
def async_sync_account_issues(
    hass: HomeAssistant, entry: ConfigEntry, data: BithumanData
) -> None:
    """Bring the issues in line with what a successful poll saw."""
    ir.async_delete_issue(
        hass, DOMAIN, issue_id(ISSUE_ACCOUNT_SUSPENDED, entry.entry_id)
    )
    _sync_agent_issues(
        hass,
        ISSUE_AGENT_DELETED,
        entry,
        {
            subentry.data[CONF_AGENT_CODE]: {
                "name": subentry.title,
                "subentry_id": subentry.subentry_id,
            }
            for subentry in entry.get_subentries_of_type(SUBENTRY_TYPE_AGENT)
            if subentry.data[CONF_AGENT_CODE] in data.deleted
        },
    )
    # Agents the user left out when adding the account were their choice;
    # only agents created on bitHuman since then are offered, and once: not
    # when another account in Home Assistant (of the same organization) has
    # or offers them.
    elsewhere = agents_of_other_accounts(hass, entry.entry_id).keys() | (
        _offered_by_other_accounts(hass, entry)
    )
    _sync_agent_issues(
        hass,
        ISSUE_NEW_AGENT,
        entry,
        {
            code: {"name": agent.name or code}
            for code, agent in data.untracked.items()
            if agent.created_at is not None
            and agent.created_at > entry.created_at
            and code not in elsewhere
        },
        keep_ignored=data.untracked.keys(),
    )
    credits_id = issue_id(ISSUE_INSUFFICIENT_CREDITS, entry.entry_id)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, credits_id)
    balance = data.account.credit_balance
    if issue is not None and balance is not None:
        needed = (issue.translation_placeholders or {}).get("needed")
        # Without a known cost, any positive balance may do again.
        covered = balance >= float(needed) if needed else balance > 0
        if covered:
            ir.async_delete_issue(hass, DOMAIN, credits_id)


@callback
def async_raise_insufficient_credits(
    hass: HomeAssistant, entry: ConfigEntry, needed: int | None
) -> None:
    """Tell the user the account needs a top-up, and how many credits if known."""
    credits_id = issue_id(ISSUE_INSUFFICIENT_CREDITS, entry.entry_id)
    placeholders = {"account": entry.title}
    if needed is not None:
        placeholders["needed"] = str(needed)
    elif (issue := ir.async_get(hass).async_get_issue(DOMAIN, credits_id)) and (
        issue.translation_placeholders or {}
    ).get("needed"):
        return  # the amount an earlier refusal named is still the one to cover
    ir.async_create_issue(
        hass,
        DOMAIN,
        credits_id,
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        learn_more_url=TOP_UP_URL,
        translation_key=ISSUE_INSUFFICIENT_CREDITS
        if needed is not None
        else f"{ISSUE_INSUFFICIENT_CREDITS}_balance",
        translation_placeholders=placeholders,
    )


class AgentRepairFlow(ConfirmRepairFlow):
    """Confirm, then remove a deleted agent or add a new one."""

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Change the agent's subentry once confirmed."""
        if user_input is None:
            # The confirmation shows the issue's placeholders: name and code.
            return await super().async_step_confirm()
        data = {key: str(value) for key, value in (self.data or {}).items()}
        entry = self.hass.config_entries.async_get_entry(data["entry_id"])
        if entry is not None and self.issue_id.startswith(ISSUE_AGENT_DELETED):
            if data["subentry_id"] in entry.subentries:
                self.hass.config_entries.async_remove_subentry(
                    entry, data["subentry_id"]
                )
        elif entry is not None and (
            account := agents_of_other_accounts(self.hass, entry.entry_id).get(
                data["code"]
            )
        ):
            return self.async_abort(
                reason="agent_in_other_account",
                description_placeholders={"account": account},
            )
        elif entry is not None and not any(
            subentry.unique_id == data["code"] for subentry in entry.subentries.values()
        ):
            self.hass.config_entries.async_add_subentry(
                entry,
                ConfigSubentry(
                    data=MappingProxyType({CONF_AGENT_CODE: data["code"]}),
                    subentry_type=SUBENTRY_TYPE_AGENT,
                    title=data["name"],
                    unique_id=data["code"],
                ),
            )
        return self.async_create_entry(data={})


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """Create the fix flow for a fixable bitHuman issue."""
    return AgentRepairFlow()
