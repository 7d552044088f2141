"""The avatar card on a real dashboard, in a real Chromium (SPEC "The avatar on a dashboard").

Everything is real: Home Assistant's own frontend, the card as the
integration serves it, the `bithuman/embed_token` command, and the
simulator's embed page inside the card's iframe. The dashboard is the
"Avatars" one that `bootstrap` adds (`devtools.dashboard`): one card per demo
agent. The simulator runs on a manual clock, so every agent stays in its demo
state (Garden Guide keeps generating) unless a test moves the clock.
"""

from __future__ import annotations

import re
from typing import Final
import uuid

from PIL import Image
from playwright.sync_api import Locator, Page, Route, expect
import pytest

from bithuman_simulator.demo import DEMO_AGENTS, DEMO_ROOM
from devtools.config_dir import REPO_ROOT
from devtools.dashboard import CARD_TYPE, DASHBOARD_URL_PATH, agent_devices
from devtools.harness import run_sync

from .card_timing import (
    TIMING_SAMPLES,
    bare_embed_timings,
    press_start_and_measure,
    write_report,
)
from .conftest import (
    READ_ONLY,
    GotoWithCard,
    HaInstance,
    NewUser,
    OpenPage,
    SaveScreenshot,
    write_screenshot,
)

AVATARS: Final = f"/{DASHBOARD_URL_PATH}/avatars"
CARD_TAG: Final = CARD_TYPE.removeprefix("custom:")
FRONT_DOOR = next(agent for agent in DEMO_AGENTS if agent.name == "Front Door")
EDITOR_DASHBOARD: Final = "bithuman-card-editor"
README_SCREENSHOT: Final = REPO_ROOT / "assets" / "screenshot-card.png"
README_SCREENSHOT_MAX_BYTES: Final = 400_000
APP_MODULE: Final = re.compile(r"/frontend_latest/app\.[0-9a-f]+\.js$")
LIVEKIT_HINT: Final = (
    "Gestures need a LiveKit connection. Add it in"
    " Settings → Devices & services → bitHuman → Configure."
)


def card_of(page: Page, agent_name: str) -> Locator:
    """Return the avatar card that shows this agent."""
    return page.locator(CARD_TAG).filter(
        has=page.get_by_role("heading", name=agent_name, exact=True)
    )


def device_ids(ha_instance: HaInstance) -> dict[str, str]:
    """Return the bitHuman agent devices' ids, by device name."""
    devices = agent_devices(ha_instance.websocket("config/device_registry/list"))
    return {device["name"]: device["id"] for device in devices}


def luminance(css_colour: str) -> float:
    """Return the relative brightness (0 black .. 1 white) of an `rgb(...)` colour."""
    red, green, blue = (int(part) for part in re.findall(r"\d+", css_colour)[:3])
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


def expect_portraits_loaded(page: Page, names: list[str]) -> None:
    """Wait until these agents' cards show their portrait, loaded."""
    for name in names:
        portrait = card_of(page, name).get_by_role("img", name=name)
        expect(portrait).to_have_js_property("complete", True)
        assert portrait.evaluate("(img) => img.naturalWidth > 0"), name


def card_background(card: Locator) -> str:
    """Return the computed background colour of the card's box."""
    colour: str = card.evaluate(
        "(el) => getComputedStyle(el.shadowRoot.querySelector('.card')"
        " || el).backgroundColor"
    )
    return colour


def test_avatars_dashboard_has_a_card_per_agent_and_is_kept(
    ha_instance: HaInstance,
) -> None:
    """`bootstrap` added "Avatars" with one card per agent; a later start keeps it."""
    config = ha_instance.websocket("lovelace/config", url_path=DASHBOARD_URL_PATH)
    cards = [
        card for section in config["views"][0]["sections"] for card in section["cards"]
    ]
    ids = device_ids(ha_instance)
    assert cards == [
        {"type": CARD_TYPE, "device_id": ids[agent.name]} for agent in DEMO_AGENTS
    ]

    again = run_sync(ha_instance.harness.bootstrap())
    assert (again.entry, again.dashboard) == ("existing", DASHBOARD_URL_PATH)
    assert (
        ha_instance.websocket("lovelace/config", url_path=DASHBOARD_URL_PATH) == config
    )
    dashboards = ha_instance.websocket("lovelace/dashboards/list")
    assert [item["title"] for item in dashboards].count("Avatars") == 1


def test_card_survives_loading_before_the_app(ha_page: Page) -> None:
    """The card works when its module runs before the frontend's app.

    That is what happens on a cold cache (a first visit, or the first after
    an upgrade changes the card's `?v=`), about one load in two on this
    machine. Here the order is made certain by holding the app's module
    until the card's has run.
    """
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)

    ha_page.route(APP_MODULE, hold)
    ha_page.goto(AVATARS, wait_until="commit")
    ha_page.wait_for_function(
        "(tag) => (window.customCards || []).some((card) => card.type === tag)",
        arg=CARD_TAG,
    )
    for route in held:
        route.continue_()
    ha_page.unroute(APP_MODULE)

    # Wait for the dashboard to show its cards, whichever way they turn out.
    ha_page.locator(f"{CARD_TAG}, hui-error-card").first.wait_for()
    assert ha_page.locator("hui-error-card").count() == 0, "Configuration error"
    expect(card_of(ha_page, FRONT_DOOR.name)).to_be_visible()


def test_card_is_in_the_picker_and_its_editor_saves(
    ha_page: Page, ha_instance: HaInstance, goto_with_card: GotoWithCard
) -> None:
    """Edit mode > Add card > "bitHuman avatar"; the visual editor's config is saved."""
    dashboards = ha_instance.websocket("lovelace/dashboards/list")
    if not any(item["url_path"] == EDITOR_DASHBOARD for item in dashboards):
        ha_instance.websocket(
            "lovelace/dashboards/create",
            url_path=EDITOR_DASHBOARD,
            title="Card editor",
            show_in_sidebar=False,
        )
    ha_instance.websocket(
        "lovelace/config/save",
        url_path=EDITOR_DASHBOARD,
        config={"views": [{"title": "Home", "cards": []}]},
    )
    kitchen = device_ids(ha_instance)["Kitchen Helper"]

    goto_with_card(ha_page, f"/{EDITOR_DASHBOARD}/0")
    ha_page.get_by_role("button", name="Edit dashboard").click()
    ha_page.get_by_role("button", name="Add card").click()
    ha_page.get_by_role("tab", name="By card").click()
    ha_page.get_by_placeholder("Search cards").fill("bitHuman avatar")
    ha_page.locator("hui-card-picker .card").filter(has_text="bitHuman avatar").click()

    # The visual editor: its agent picker offers the agents and nothing else.
    agent = ha_page.get_by_role("combobox", name="Agent")
    expect(agent).to_be_visible()
    offered = agent.locator("option:not([disabled])").all_inner_texts()
    assert sorted(name.strip() for name in offered) == sorted(
        demo.name for demo in DEMO_AGENTS
    )
    agent.select_option(label="Kitchen Helper")
    gestures = ha_page.get_by_role("checkbox", name="Show gesture buttons")
    expect(gestures).to_be_checked()
    gestures.uncheck()
    # The preview follows the editor.
    dialog = ha_page.locator("hui-dialog-edit-card")
    expect(dialog.get_by_role("heading", name="Kitchen Helper")).to_be_visible()
    dialog.get_by_role("button", name="Save", exact=True).click()

    # Saved: the dialog closes and the dashboard shows the new card...
    expect(dialog.get_by_role("combobox", name="Agent")).to_have_count(0)
    expect(card_of(ha_page, "Kitchen Helper")).to_be_visible()
    # ...and the dashboard's stored config holds what the editor chose.
    config = ha_instance.websocket("lovelace/config", url_path=EDITOR_DASHBOARD)
    [card] = config["views"][0]["cards"]
    assert card["type"] == CARD_TYPE
    assert card["device_id"] == kitchen
    assert card["show_gestures"] is False
    assert card.get("show_speak", True) is True


# The card stops the avatar when the token's `expires_at` (the simulator's
# clock) has passed on the browser's clock: on the manual clock (a fixed day
# in 2026) every token looks expired. So this one runs on real time.
@pytest.mark.real_clock
def test_start_shows_the_avatar_and_stop_clears_it(
    ha_page: Page,
    ha_instance: HaInstance,
    goto_with_card: GotoWithCard,
    open_page: OpenPage,
) -> None:
    """Start embeds the simulator's page for the agent; Stop removes it.

    Also measures Start -> embed page loaded (written to
    test-output/card-timing.json with the bare mint for comparison; nothing
    is asserted about speed).
    """
    goto_with_card(ha_page, AVATARS)
    card = card_of(ha_page, FRONT_DOOR.name)
    expect(card.get_by_role("button", name="Start", exact=True)).to_be_enabled()
    # Nothing starts by itself.
    expect(card.locator("iframe")).to_have_count(0)

    timings = []
    for _ in range(TIMING_SAMPLES):
        timings.append(press_start_and_measure(ha_page, card, FRONT_DOOR.name))
        iframe = card.locator("iframe")
        assert iframe.get_attribute("allow") == "microphone *; camera *; autoplay *"
        src = iframe.get_attribute("src") or ""
        assert src.startswith(f"{ha_instance.sim_url}/embed/{FRONT_DOOR.code}?token=")
        card.get_by_role("button", name="Stop", exact=True).click()
        expect(card.locator("iframe")).to_have_count(0)
        expect(card.get_by_role("button", name="Start", exact=True)).to_be_visible()

    bare = bare_embed_timings(open_page(), ha_instance.sim_url, FRONT_DOOR.code)
    assert {sample["name"] for sample in bare} == {FRONT_DOOR.name}
    write_report(timings, bare)


def test_start_is_disabled_until_the_agent_is_ready(
    ha_page: Page, goto_with_card: GotoWithCard
) -> None:
    """Garden Guide is still generating (and Broken Bot failed): no Start."""
    goto_with_card(ha_page, AVATARS)
    for name in ("Garden Guide", "Broken Bot"):
        card = card_of(ha_page, name)
        expect(card.get_by_role("button", name="Start", exact=True)).to_be_disabled()
        expect(
            card.get_by_text("Start is available once the agent is ready.")
        ).to_be_visible()
    # A ready agent's Start is enabled.
    ready = card_of(ha_page, "Kitchen Helper")
    expect(ready.get_by_role("button", name="Start", exact=True)).to_be_enabled()


def test_read_only_user_may_not_start_the_avatar(
    new_user: NewUser, open_page: OpenPage, goto_with_card: GotoWithCard
) -> None:
    """A read-only user pressing Start gets the card's "no permission" message."""
    page = open_page(new_user("Read Only Rita", group=READ_ONLY))
    goto_with_card(page, AVATARS)
    card = card_of(page, FRONT_DOOR.name)
    card.get_by_role("button", name="Start", exact=True).click()

    expect(card.get_by_role("alert")).to_contain_text(
        "You have no permission to start the avatar"
    )
    expect(card.locator("iframe")).to_have_count(0)


def test_say_box_makes_the_avatar_speak(
    ha_page: Page, ha_instance: HaInstance, goto_with_card: GotoWithCard
) -> None:
    """Typing in Say and pressing Say delivers the text to Front Door's live room."""
    text = f"Welcome home, visitor {uuid.uuid4().hex[:6]}"
    goto_with_card(ha_page, AVATARS)
    card = card_of(ha_page, FRONT_DOOR.name)
    say = card.get_by_role("button", name="Say", exact=True)
    expect(say).to_be_disabled()  # nothing typed yet
    card.get_by_role("textbox", name="Type what the avatar should say").fill(text)
    say.click()

    expect(card.get_by_role("status")).to_have_text(
        re.compile(r"Delivered to [1-9]\d* live room\(s\)\.")
    )
    expect(card.get_by_role("textbox")).to_have_value("")
    messages = ha_instance.simulator("GET", "messages")["messages"]
    assert {
        "agent_code": FRONT_DOOR.code,
        "room_id": DEMO_ROOM,
        "kind": "speak",
        "text": text,
    }.items() <= next(
        (message for message in messages if message["text"] == text), {}
    ).items()


def test_gesture_buttons_wait_for_livekit(
    ha_page: Page, goto_with_card: GotoWithCard
) -> None:
    """Front Door lists its gestures; without the LiveKit options they are disabled.

    The card says why, and what to do; it has nothing to say where the
    agent has no gestures.
    """
    goto_with_card(ha_page, AVATARS)
    card = card_of(ha_page, FRONT_DOOR.name)
    expect(card.get_by_text("Gestures", exact=True)).to_be_visible()
    wave = card.get_by_role("button", name="Mini wave hello")
    expect(wave).to_be_visible()
    expect(wave).to_be_disabled()
    expect(card.locator("p.hint")).to_have_text([LIVEKIT_HINT])
    expect(wave).to_have_accessible_description(LIVEKIT_HINT)
    # An agent without dynamics shows no gesture row at all, and no hint.
    kitchen = card_of(ha_page, "Kitchen Helper")
    expect(kitchen.get_by_text("Gestures")).to_have_count(0)
    expect(kitchen.locator("p.hint")).to_have_count(0)


# The effective colour of a disabled button's label (its opacity applied) and
# the card's background, both as sRGB channels, painted on a one-pixel canvas
# so that any CSS colour syntax the browser computes is resolved by it.
DISABLED_LABEL_COLOURS: Final = """(button) => {
  const host = button.getRootNode().host;
  const cardBox = host.shadowRoot.querySelector(".card");
  const paint = (...layers) => {
    const ctx = document.createElement("canvas").getContext("2d");
    for (const [colour, alpha] of layers) {
      ctx.globalAlpha = alpha;
      ctx.fillStyle = colour;
      ctx.fillRect(0, 0, 1, 1);
    }
    return [...ctx.getImageData(0, 0, 1, 1).data].slice(0, 3);
  };
  const back = getComputedStyle(cardBox).backgroundColor;
  const style = getComputedStyle(button);
  return {
    opacity: Number(style.opacity),
    label: paint([back, 1], [style.color, Number(style.opacity)]),
    card: paint([back, 1]),
  };
}"""


def contrast(first: list[int], second: list[int]) -> float:
    """Return the WCAG contrast ratio of two sRGB colours (1 to 21)."""

    def relative_luminance(rgb: list[int]) -> float:
        linear = [
            channel / 12.92
            if channel <= 0.04045
            else ((channel + 0.055) / 1.055) ** 2.4
            for channel in (value / 255 for value in rgb)
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((relative_luminance(first), relative_luminance(second)))[::-1]
    return (high + 0.05) / (low + 0.05)


def expect_disabled_labels_legible(page: Page) -> None:
    """Disabled Start (Garden Guide) and gesture (Front Door): 3:1 on the card."""
    for button in (
        card_of(page, "Garden Guide").get_by_role("button", name="Start", exact=True),
        card_of(page, FRONT_DOOR.name).get_by_role("button", name="Mini wave hello"),
    ):
        expect(button).to_be_disabled()
        colours = button.evaluate(DISABLED_LABEL_COLOURS)
        ratio = contrast(colours["label"], colours["card"])
        assert colours["opacity"] == 1, colours
        assert ratio >= 3, (round(ratio, 2), colours)


def _cards_clip(page: Page, names: list[str]) -> dict[str, float]:
    """Return the page region around these agents' cards (with a margin)."""
    boxes = [card_of(page, name).bounding_box() for name in names]
    assert all(box is not None for box in boxes)
    margin = 12
    left = min(box["x"] for box in boxes if box) - margin
    top = min(box["y"] for box in boxes if box) - margin
    right = max(box["x"] + box["width"] for box in boxes if box) + margin
    bottom = max(box["y"] + box["height"] for box in boxes if box) + margin
    return {"x": left, "y": top, "width": right - left, "height": bottom - top}


def test_dashboard_in_light_and_dark_theme(
    ha_page: Page,
    open_page: OpenPage,
    goto_with_card: GotoWithCard,
    save_screenshot: SaveScreenshot,
) -> None:
    """Screenshots of the Avatars dashboard; the card follows the theme.

    In both, disabled buttons keep a legible label (not faded, 3:1 or more).

    The light one, cropped to the first four cards, is the README's
    screenshot (assets/screenshot-card.png).
    """
    everyone = [agent.name for agent in DEMO_AGENTS]
    goto_with_card(ha_page, AVATARS)
    expect_portraits_loaded(ha_page, everyone)
    save_screenshot(ha_page, "light")
    assert luminance(card_background(card_of(ha_page, FRONT_DOOR.name))) > 0.8
    expect_disabled_labels_legible(ha_page)

    names = everyone[:4]  # ready and live, ready, generating, failed
    write_screenshot(
        ha_page, README_SCREENSHOT, clip=_cards_clip(ha_page, names), full_page=True
    )
    assert README_SCREENSHOT.stat().st_size < README_SCREENSHOT_MAX_BYTES
    with Image.open(README_SCREENSHOT) as image:
        assert image.width >= 600

    dark = open_page(dark=True)
    goto_with_card(dark, AVATARS)
    expect_portraits_loaded(dark, everyone)
    save_screenshot(dark, "dark")
    assert luminance(card_background(card_of(dark, FRONT_DOOR.name))) < 0.25
    expect_disabled_labels_legible(dark)
