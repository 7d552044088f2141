"""Push: bitHuman's signed webhook deliveries make an agent re-read at once.

A webhook is registered only when Home Assistant has an HTTPS URL reachable
from the internet: a Home Assistant Cloud cloudhook when a subscription is
active, else an ``https`` external URL. A delivery counts only with a valid
``X-BitHuman-Signature`` (HMAC-SHA256 over ``"{timestamp}.{raw body}"``), a
timestamp within 300 s and a delivery id not seen before; it is a hint to
re-read that agent, never state. Without a usable URL the integration polls
as before and says why in its diagnostics.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
import contextlib
import hashlib
import hmac
import json
import time
from typing import TYPE_CHECKING, Any, Final

import aiohttp
from aiohttp import web
from homeassistant.components import cloud, webhook
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey
from yarl import URL

from .api import BithumanClient, BithumanError
from .const import (
    CONF_WEBHOOK_ID,
    CONF_WEBHOOK_REMOTE_ID,
    CONF_WEBHOOK_SECRET,
    CONF_WEBHOOK_URL,
    DOMAIN,
    LOGGER,
)

if TYPE_CHECKING:
    from .coordinator import BithumanConfigEntry

MAX_AGE: Final = 300.0
# Delivery ids are remembered a little longer than a delivery stays fresh.
SEEN_FOR: Final = 2 * MAX_AGE
MAX_SEEN: Final = 1000
RETRY_REGISTRATION: Final = 900.0
# Rejected deliveries are logged as a warning at most this often.
WARN_EVERY: Final = 3600.0
AGENT_EVENTS: Final = frozenset({"agent.ready", "agent.failed"})

SEEN_DELIVERIES: HassKey[dict[str, OrderedDict[str, float]]] = HassKey(
    f"{DOMAIN}_seen_deliveries"
)
# Entries that replaced a webhook bitHuman stopped delivering to, this run:
# once only, so a new hook that comes inactive too cannot reload forever.
INACTIVE_REPLACED: HassKey[set[str]] = HassKey(f"{DOMAIN}_inactive_replaced")


class WebhookInactiveError(Exception):
    """BitHuman keeps our webhook inactive, even the one made to replace it."""


def webhook_description(entry_id: str) -> str:
    """Return how this entry's webhook is named on bitHuman (to find stale ones)."""
    return f"Home Assistant bitHuman integration {entry_id}"


class DeliveryCheck:
    """Accept each signed, fresh delivery once."""

    def __init__(self, secret: str, seen: OrderedDict[str, float]) -> None:
        """Check deliveries against the signing secret; ``seen``: ids accepted so far."""
        self._secret = secret.encode()
        self._seen = seen

    def accept(self, headers: Any, body: bytes) -> bool:
        """Return whether the delivery is authentic, fresh and new."""
        stamp = headers.get("X-BitHuman-Timestamp", "")
        delivery = headers.get("X-BitHuman-Delivery", "")
        sent = headers.get("X-BitHuman-Signature", "").removeprefix("sha256=")
        now = dt_util.utcnow().timestamp()
        try:
            fresh = abs(now - int(stamp)) <= MAX_AGE
        except ValueError:
            return False
        expected = hmac.new(
            self._secret, f"{stamp}.".encode() + body, hashlib.sha256
        ).hexdigest()
        if not (
            fresh
            and delivery
            and sent.isascii()
            and hmac.compare_digest(sent, expected)
        ):
            return False
        while self._seen and (
            len(self._seen) >= MAX_SEEN
            or next(iter(self._seen.values())) < now - SEEN_FOR
        ):
            self._seen.popitem(last=False)
        if delivery in self._seen:
            return False
        self._seen[delivery] = now
        return True


class Push:
    """The entry's webhook: its URL, its registration on bitHuman, its deliveries."""

    def __init__(self, hass: HomeAssistant, entry: BithumanConfigEntry) -> None:
        """Prepare the webhook of the entry (nothing is registered yet)."""
        self.hass = hass
        self.entry = entry
        # Why push is not used, for diagnostics (the README lists the values).
        self.problem: str | None = None
        self._check: DeliveryCheck | None = None
        self._warned_at = -WARN_EVERY
        # Held while a start is under way; never waited on.
        self._starting = asyncio.Lock()
        self._cancel_retry: CALLBACK_TYPE | None = None

    async def async_setup(self) -> None:
        """Register the webhook now, and again when Home Assistant Cloud connects."""
        self.entry.async_on_unload(self._async_stop_retrying)
        await self.async_start()
        if cloud.async_active_subscription(self.hass):
            self.entry.async_on_unload(
                cloud.async_listen_connection_change(
                    self.hass, self._async_cloud_changed
                )
            )

    @callback
    def _async_cloud_changed(self, state: cloud.CloudConnectionState) -> None:
        # Polling for want of a URL until now: the cloudhook is one. Cloud
        # may connect while the platforms are still being set up.
        if state is cloud.CloudConnectionState.CLOUD_CONNECTED and self.entry.state in (
            ConfigEntryState.SETUP_IN_PROGRESS,
            ConfigEntryState.LOADED,
        ):
            self._async_start_in_background()

    @property
    def active(self) -> bool:
        """Return whether bitHuman pushes to this entry."""
        return self._check is not None

    async def async_start(self) -> None:
        """Register the webhook where Home Assistant can be reached; never raise.

        Does nothing while push is on, or while another start is under way
        (a retry and Home Assistant Cloud connecting can come together).
        """
        if self.active or self._starting.locked():
            return
        async with self._starting:
            await self._async_start()

    async def _async_start(self) -> None:
        webhook_id = self.entry.data[CONF_WEBHOOK_ID]
        try:
            url = await self._async_url(webhook_id)
        except NoURLAvailableError:
            self._start_failed("no_external_url")
            return
        except (cloud.CloudNotAvailable, aiohttp.ClientError, TimeoutError) as err:
            LOGGER.debug("Home Assistant Cloud gave no cloudhook: %s", err)
            self._start_failed("cloudhook_failed", retry=True)
            return
        if URL(url).scheme != "https":
            self._start_failed("external_url_not_https")
            return
        try:
            secret = await self._async_register_remote(url)
        except WebhookInactiveError:
            self._start_failed("webhook_inactive")
            return
        except BithumanError as err:
            LOGGER.debug("Registering the bitHuman webhook failed: %s", err)
            self._start_failed("registration_failed", retry=True)
            return
        if secret is None:
            # A new webhook was written to the loaded entry: its update
            # listener reloads it, and that setup starts push with it.
            return
        # Kept across reloads of the entry: a replay right after one is refused.
        seen = self.hass.data.setdefault(SEEN_DELIVERIES, {})
        self._check = DeliveryCheck(
            secret, seen.setdefault(self.entry.entry_id, OrderedDict())
        )
        self.problem = None
        webhook.async_register(
            self.hass,
            DOMAIN,
            self.entry.title,
            webhook_id,
            self._async_handle,
            allowed_methods=["POST"],
        )
        self.entry.async_on_unload(
            lambda: webhook.async_unregister(self.hass, webhook_id)
        )
        self.entry.runtime_data.coordinator.schedule.push_active = True

    @callback
    def _async_start_in_background(self) -> None:
        # An entry task: unloading the entry cancels a start still under way.
        self.entry.async_create_background_task(
            self.hass, self.async_start(), "bitHuman webhook registration"
        )

    @callback
    def _retry(self, _now: Any) -> None:
        self._cancel_retry = None
        self._async_start_in_background()

    @callback
    def _async_stop_retrying(self) -> None:
        if self._cancel_retry is not None:
            self._cancel_retry()
            self._cancel_retry = None

    def _start_failed(self, problem: str, *, retry: bool = False) -> None:
        self.problem = problem
        if retry and self._cancel_retry is None:
            self._cancel_retry = async_call_later(
                self.hass, RETRY_REGISTRATION, self._retry
            )

    async def _async_url(self, webhook_id: str) -> str:
        if cloud.async_active_subscription(self.hass) and cloud.async_is_connected(
            self.hass
        ):
            return await cloud.async_get_or_create_cloudhook(self.hass, webhook_id)
        return webhook.async_generate_url(self.hass, webhook_id, allow_internal=False)

    async def _async_register_remote(self, url: str) -> str | None:
        """Return the signing secret of this entry's webhook at url, creating it if needed.

        None when the webhook was created while the entry was loaded: writing
        it to the entry reloads the entry.

        Webhooks of this entry found on bitHuman that are not the one in use
        (an earlier URL, a registration whose answer was lost) are deleted.
        """
        client = self.entry.runtime_data.client
        data = self.entry.data
        remote_id = data.get(CONF_WEBHOOK_REMOTE_ID)
        description = webhook_description(self.entry.entry_id)
        remote = await client.list_webhooks()
        current = next(
            (hook for hook in remote if hook.id == remote_id and hook.url == url), None
        )
        if current is not None and current.active is False:
            replaced = self.hass.data.setdefault(INACTIVE_REPLACED, set())
            if self.entry.entry_id in replaced:
                raise WebhookInactiveError
            replaced.add(self.entry.entry_id)
            current = None
        # Without its secret our hook's deliveries cannot be checked: replace it.
        kept = current if data.get(CONF_WEBHOOK_SECRET) else None
        for hook in remote:
            if hook is not kept and (
                hook.description == description or hook.id == remote_id
            ):
                await client.delete_webhook(hook.id)
        if kept is not None:
            return str(data[CONF_WEBHOOK_SECRET])
        created = await client.create_webhook(url, description=description)
        loaded = self.entry.state is ConfigEntryState.LOADED
        self.hass.config_entries.async_update_entry(
            self.entry,
            data={
                **data,
                CONF_WEBHOOK_REMOTE_ID: created.id,
                CONF_WEBHOOK_SECRET: created.secret,
                CONF_WEBHOOK_URL: url,
            },
        )
        return None if loaded else created.secret

    async def _async_handle(
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        """Accept one delivery; 401 for anything not signed, fresh and new."""
        # Cloudhook deliveries come as a mock request that only has content.read().
        body = await request.content.read()
        event: Any = None
        if self._check is not None and self._check.accept(request.headers, body):
            with contextlib.suppress(ValueError):
                event = json.loads(body)
        if not isinstance(event, dict):
            self._rejected()
            return web.Response(status=401)
        if event.get("event") in AGENT_EVENTS and isinstance(
            data := event.get("data"), dict
        ):
            code = data.get("code") or data.get("agent_id")
            if isinstance(code, str) and code:
                self.entry.runtime_data.coordinator.async_agent_changed(code)
        LOGGER.debug("bitHuman webhook delivery %s", event.get("event"))
        return web.Response(status=200)

    def _rejected(self) -> None:
        now = time.monotonic()
        if now - self._warned_at >= WARN_EVERY:
            self._warned_at = now
            LOGGER.warning(
                "Rejected a bitHuman webhook delivery that was not signed, fresh and new"
            )
        else:
            LOGGER.debug("Rejected a bitHuman webhook delivery")


async def async_delete_webhook(
    hass: HomeAssistant, entry: BithumanConfigEntry, client: BithumanClient
) -> None:
    """Delete the entry's webhook on bitHuman and its cloudhook (entry removed)."""
    hass.data.get(SEEN_DELIVERIES, {}).pop(entry.entry_id, None)
    if remote_id := entry.data.get(CONF_WEBHOOK_REMOTE_ID):
        try:
            await client.delete_webhook(remote_id)
        except BithumanError as err:
            LOGGER.warning(
                "Could not delete the bitHuman webhook of %s: %s", entry.title, err
            )
    if (
        webhook_id := entry.data.get(CONF_WEBHOOK_ID)
    ) and cloud.async_active_subscription(hass):
        # A webhook that used the external URL has no cloudhook (ValueError).
        with contextlib.suppress(cloud.CloudNotAvailable, ValueError):
            await cloud.async_delete_cloudhook(hass, webhook_id)
