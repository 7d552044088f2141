"""Repair issues: an agent deleted upstream, and an account out of credits."""

from __future__ import annotations

from homeassistant.components.repairs import (
    ConfirmRepairFlow,
    RepairsFlow,
    RepairsFlowResult,
)
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
import voluptuous as vol

from .const import CONF_AGENT_CODE, DOMAIN, SUBENTRY_TYPE_AGENT, TOP_UP_URL

ISSUE_AGENT_DELETED = "agent_deleted"
ISSUE_INSUFFICIENT_CREDITS = "insufficient_credits"


def deleted_agent_issue_id(entry_id: str, code: str) -> str:
    """Return the issue id for an agent of an entry deleted upstream."""
    return f"{ISSUE_AGENT_DELETED}_{entry_id}_{code}"


def insufficient_credits_issue_id(entry_id: str) -> str:
    """Return the issue id for an account that ran out of credits."""
    return f"{ISSUE_INSUFFICIENT_CREDITS}_{entry_id}"


@callback
def async_sync_deleted_agent_issues(
    hass: HomeAssistant, entry: ConfigEntry, deleted: frozenset[str]
) -> None:
    """Raise an issue per agent gone upstream and clear those that came back."""
    for subentry in entry.get_subentries_of_type(SUBENTRY_TYPE_AGENT):
        code = subentry.data[CONF_AGENT_CODE]
        issue_id = deleted_agent_issue_id(entry.entry_id, code)
        if code not in deleted:
            ir.async_delete_issue(hass, DOMAIN, issue_id)
            continue
        ir.async_create_issue(
            hass,
            DOMAIN,
            issue_id,
            is_fixable=True,
            is_persistent=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_AGENT_DELETED,
            translation_placeholders={"name": subentry.title, "code": code},
            data={
                "entry_id": entry.entry_id,
                "subentry_id": subentry.subentry_id,
                "name": subentry.title,
                "code": code,
            },
        )


@callback
def async_raise_insufficient_credits(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Tell the user the account needs a top-up."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        insufficient_credits_issue_id(entry.entry_id),
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        learn_more_url=TOP_UP_URL,
        translation_key=ISSUE_INSUFFICIENT_CREDITS,
        translation_placeholders={"account": entry.title},
    )


@callback
def async_clear_insufficient_credits(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Withdraw the out-of-credits issue once credits were spent successfully."""
    ir.async_delete_issue(hass, DOMAIN, insufficient_credits_issue_id(entry.entry_id))


class DeletedAgentRepairFlow(RepairsFlow):
    """Offer to remove an agent that no longer exists on bitHuman."""

    def __init__(self, entry_id: str, subentry_id: str, name: str, code: str) -> None:
        """Remember which subentry the issue is about."""
        self._entry_id = entry_id
        self._subentry_id = subentry_id
        self._placeholders = {"name": name, "code": code}

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Start with the confirmation."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Remove the agent's subentry, and so its device, once confirmed."""
        if user_input is not None:
            entry = self.hass.config_entries.async_get_entry(self._entry_id)
            if entry is not None and self._subentry_id in entry.subentries:
                self.hass.config_entries.async_remove_subentry(entry, self._subentry_id)
            return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="confirm",
            data_schema=vol.Schema({}),
            description_placeholders=self._placeholders,
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """Create the fix flow for a fixable bitHuman issue."""
    if data is None or not issue_id.startswith(ISSUE_AGENT_DELETED):
        return ConfirmRepairFlow()
    return DeletedAgentRepairFlow(
        str(data["entry_id"]),
        str(data["subentry_id"]),
        str(data["name"]),
        str(data["code"]),
    )
