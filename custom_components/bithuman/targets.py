"""Which agents an action targets, and running it once for each.

Agent actions take a target: agent devices, or any of their entities (an
area or label holding them works too). Home Assistant's entity services call
each targeted entity of one platform, so they would skip an agent targeted
through another of its entities, call it once per entity, and stop at the
first failure; this module resolves targets to agents with Home Assistant's
target helper instead, runs the action once per agent, and says which agents
it worked for when some failed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Concatenate

from homeassistant.auth.models import User
from homeassistant.auth.permissions.const import POLICY_CONTROL
from homeassistant.core import Context, HomeAssistant, ServiceCall
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceValidationError,
    Unauthorized,
    UnknownUser,
)
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    entity_registry as er,
    service,
    target as target_helpers,
)

from .const import CONF_AGENT_CODE, DOMAIN, LOGGER, SUBENTRY_TYPE_AGENT
from .coordinator import BithumanConfigEntry
from .errors import agent_error, agent_name


@dataclass(frozen=True, slots=True)
class AgentTarget:
    """One agent an action is aimed at."""

    entry: BithumanConfigEntry
    code: str

    @property
    def name(self) -> str:
        """The agent's name as the user knows it."""
        return agent_name(self.entry, self.code)


def agent_of_device(
    hass: HomeAssistant, device: dr.AnyDeviceEntry | None
) -> AgentTarget | None:
    """Return the agent a device stands for, if it is a bitHuman agent."""
    if device is None or device.config_subentry_id is None:
        return None
    entry: BithumanConfigEntry | None = hass.config_entries.async_get_entry(
        device.config_entry_id
    )
    if entry is None or entry.domain != DOMAIN:
        return None
    subentry = entry.subentries.get(device.config_subentry_id)
    if subentry is None or subentry.subentry_type != SUBENTRY_TYPE_AGENT:
        return None
    code: str = subentry.data[CONF_AGENT_CODE]
    if (DOMAIN, code) not in device.identifiers:
        return None
    return AgentTarget(entry, code)


async def async_targets(hass: HomeAssistant, call: ServiceCall) -> list[AgentTarget]:
    """Return the agents an action targets, in a stable order.

    Devices and entities named in the target must be bitHuman agents (or
    entities of one); areas and labels contribute the agents they hold.
    """
    selected = target_helpers.async_extract_referenced_entity_ids(
        hass, target_helpers.TargetSelection(call.data), expand_group=False
    )
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    named_devices = set(cv.ensure_list(call.data.get("device_id")))
    # Each device to look at, and what the user named that led to it.
    candidates: dict[str, str | None] = dict.fromkeys(selected.referenced_devices)
    invalid = sorted(selected.missing_devices)
    for entity_id in selected.referenced | selected.indirectly_referenced:
        entity = entities.async_get(entity_id)
        named = entity_id if entity_id in selected.referenced else None
        if entity is not None and entity.platform == DOMAIN and entity.device_id:
            candidates[entity.device_id] = candidates.get(entity.device_id) or named
        elif named:
            invalid.append(named)
    found: dict[tuple[str, str], AgentTarget] = {}
    for device_id, named in sorted(candidates.items()):
        device = devices.async_get(device_id)
        if agent := agent_of_device(hass, device):
            service.async_get_config_entry(hass, DOMAIN, agent.entry.entry_id)
            found.setdefault((agent.entry.entry_id, agent.code), agent)
        elif named:
            invalid.append(named)
        elif device_id in named_devices:
            invalid.append(
                (device.name_by_user or device.name or device_id)
                if device
                else device_id
            )
    if invalid:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_target",
            translation_placeholders={"targets": ", ".join(sorted(set(invalid)))},
        )
    if not found:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="no_target"
        )
    await _async_check_permission(hass, call, selected)
    return sorted(found.values(), key=lambda target: (target.name, target.code))


async def _async_check_permission(
    hass: HomeAssistant, call: ServiceCall, selected: target_helpers.SelectedEntities
) -> None:
    """Refuse a user who may not control every entity the target names."""
    if call.context.user_id is None:
        return
    user = await hass.auth.async_get_user(call.context.user_id)
    if user is None:
        raise UnknownUser(context=call.context)
    if not user.is_admin:
        entity_ids = selected.referenced | selected.indirectly_referenced
        check_control(user, entity_ids, call.context)


def check_control(user: User, entity_ids: Iterable[str], context: Context) -> None:
    """Refuse a user who may not control every one of the entities."""
    for entity_id in entity_ids:
        if not user.permissions.check_entity(entity_id, POLICY_CONTROL):
            raise Unauthorized(
                context=context, entity_id=entity_id, permission=POLICY_CONTROL
            )


def _reason(err: HomeAssistantError) -> tuple[object, ...]:
    """Return what an error says, but for the agent it names."""
    placeholders = dict(err.translation_placeholders or {})
    placeholders.pop("agent", None)
    return (type(err), err.translation_key, sorted(placeholders.items()))


def _failure(
    failed: list[tuple[AgentTarget, HomeAssistantError]], succeeded: list[AgentTarget]
) -> HomeAssistantError:
    """Describe what happened when the action failed for some agents.

    Every agent failing for the same reason gets that one translated error,
    naming them all. Otherwise the summary quotes each agent's reason as
    Home Assistant renders it (in English: nested errors have no language).
    """
    first = failed[0][1]
    if not succeeded and all(_reason(err) == _reason(first) for _, err in failed):
        if len(failed) == 1:
            return first
        combined = type(first)(
            translation_domain=first.translation_domain,
            translation_key=first.translation_key,
            translation_placeholders={
                **(first.translation_placeholders or {}),
                "agent": ", ".join(target.name for target, _ in failed),
            },
        )
        combined.__cause__ = first
        return combined
    reasons = "; ".join(f"{target.name}: {err}" for target, err in failed)
    if not succeeded:
        bad_input = all(isinstance(err, ServiceValidationError) for _, err in failed)
        return (ServiceValidationError if bad_input else HomeAssistantError)(
            translation_domain=DOMAIN,
            translation_key="all_failed",
            translation_placeholders={"failed": reasons},
        )
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="partial_failure",
        translation_placeholders={
            "succeeded": ", ".join(target.name for target in succeeded),
            "failed": reasons,
        },
    )


async def async_for_each_agent[**P, T](
    hass: HomeAssistant,
    call: ServiceCall,
    action: Callable[Concatenate[BithumanConfigEntry, str, P], Awaitable[T]],
    *args: P.args,
    **kwargs: P.kwargs,
) -> dict[str, T]:
    """Run the action for every targeted agent; return each result by code."""
    targets = await async_targets(hass, call)
    runs = [action(target.entry, target.code, *args, **kwargs) for target in targets]
    outcomes: list[T | BaseException]
    if len(runs) == 1:
        # Most calls target one agent; gather's tasks would only add overhead.
        try:
            outcomes = [await runs[0]]
        except Exception as err:  # noqa: BLE001 - sorted out below, as gather's are
            outcomes = [err]
    else:
        outcomes = await asyncio.gather(*runs, return_exceptions=True)
    results: dict[str, T] = {}
    succeeded: list[AgentTarget] = []
    failed: list[tuple[AgentTarget, HomeAssistantError]] = []
    for target, outcome in zip(targets, outcomes, strict=True):
        if isinstance(outcome, HomeAssistantError):
            failed.append((target, outcome))
        elif isinstance(outcome, Exception):
            LOGGER.error(
                "Unexpected error in %s.%s for %s",
                call.domain,
                call.service,
                target.name,
                exc_info=outcome,
            )
            unexpected = agent_error(
                "unexpected_error", target.entry, target.code, HomeAssistantError
            )
            failed.append((target, unexpected))
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            results[target.code] = outcome
            succeeded.append(target)
    if failed:
        raise _failure(failed, succeeded)
    return results
