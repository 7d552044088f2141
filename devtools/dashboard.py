"""The "Avatars" dashboard of a development instance: one avatar card per agent.

On the first start `scripts/develop` (and the test harness, through
`bootstrap`) adds a storage-mode dashboard titled "Avatars" that shows a
`custom:bithuman-avatar-card` for every bitHuman agent device, the way a user
would build it in the UI: `lovelace/dashboards/create`, then
`lovelace/config/save`. A dashboard that exists and has a config is left as
it is on later starts, whatever the user changed in it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final, Literal

from .ha_api import DOMAIN, BootstrapError, HomeAssistantApi

DASHBOARD_URL_PATH: Final = "bithuman-avatars"
DASHBOARD_TITLE: Final = "Avatars"
DASHBOARD_ICON: Final = "mdi:account-voice"
CARD_TYPE: Final = "custom:bithuman-avatar-card"

type DashboardOutcome = Literal["created", "existing", "no_agents"]


def agent_devices(devices: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the bitHuman agent devices (not the account's), by agent code.

    An agent device is identified by `("bithuman", <agent code>)`; the
    account's device is a service device. The demo's codes sort in the order
    the demo lists its agents.
    """
    agents = [
        device
        for device in devices
        if device.get("entry_type") != "service"
        and any(domain == DOMAIN for domain, _ in device.get("identifiers", []))
    ]
    return sorted(agents, key=lambda device: str(device.get("serial_number") or ""))


def dashboard_config(device_ids: Iterable[str]) -> dict[str, Any]:
    """Return the dashboard's config: one section with a card per agent device."""
    return {
        "title": DASHBOARD_TITLE,
        "views": [
            {
                "title": DASHBOARD_TITLE,
                "path": "avatars",
                "type": "sections",
                "max_columns": 3,
                "sections": [
                    {"type": "grid", "cards": [{"type": CARD_TYPE, "device_id": id_}]}
                    for id_ in device_ids
                ],
            }
        ],
    }


async def _has_config(api: HomeAssistantApi) -> bool:
    """Tell whether the dashboard has a saved config (not the generated one)."""
    try:
        await api.websocket_command("lovelace/config", url_path=DASHBOARD_URL_PATH)
    except BootstrapError as err:
        if "config_not_found" in str(err):
            return False
        raise
    return True


async def ensure_avatar_dashboard(api: HomeAssistantApi) -> DashboardOutcome:
    """Add the Avatars dashboard unless it is there; tell what happened."""
    dashboards = await api.websocket_command("lovelace/dashboards/list")
    exists = any(item["url_path"] == DASHBOARD_URL_PATH for item in dashboards)
    if exists and await _has_config(api):
        return "existing"
    devices = agent_devices(await api.websocket_command("config/device_registry/list"))
    if not devices:
        return "no_agents"
    if not exists:
        await api.websocket_command(
            "lovelace/dashboards/create",
            url_path=DASHBOARD_URL_PATH,
            title=DASHBOARD_TITLE,
            icon=DASHBOARD_ICON,
            show_in_sidebar=True,
            require_admin=False,
        )
    await api.websocket_command(
        "lovelace/config/save",
        url_path=DASHBOARD_URL_PATH,
        config=dashboard_config(device["id"] for device in devices),
    )
    return "created"
