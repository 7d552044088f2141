"""Fixtures for browser tests: a real `hass`, the simulator, a logged-in Chromium page.

- `ha_instance`: the simulator (demo data) and a real `hass` on a temporary
  config directory, onboarded, with the bitHuman entry added and loaded
  (`devtools.harness`). One per test session and clock: the simulator runs on
  a manual clock (`await`-free: `ha_instance.advance_clock(seconds)`), or on
  real time for tests marked `@pytest.mark.real_clock`. Tests share it: each
  should assert what it changes itself, not a pristine instance.
- `ha_page`: a Playwright page (sync API) in a fresh browser context, already
  logged in as the dev owner (the login is put where the frontend keeps it,
  localStorage `hassTokens`). Open paths with `ha_page.goto("/config/...")`.
- `screenshot`: `screenshot("label")` saves the page under
  test-output/screenshots/<test>-<label>.png; a failing test gets one too.
- `new_user`: `new_user("Name", group=READ_ONLY)` adds a Home Assistant user
  (owner's websocket API, as Settings > People does) and returns its login.
- `open_page`: `open_page(credentials, dark=True)` opens another page, in a
  browser context of its own, logged in as that user (default: the owner),
  optionally in the dark theme. Its failure screenshot comes with the rest.
- `save_screenshot`: `save_screenshot(page, "label")` saves any page the way
  `screenshot` does.
- `goto_with_card`: `goto_with_card(page, "/bithuman-avatars")` opens a page
  with the avatar card's module run after the frontend's own (see there).

The browser is the system's Chromium (`devtools.browser`); without one the
tests skip, except under CI=true, where a missing browser is a failure.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
import json
import os
from pathlib import Path
import re
from typing import Any, Protocol
import uuid

from playwright.sync_api import (
    Browser,
    Page,
    Route,
    expect,
    sync_playwright,
)
import pytest
import pytest_socket

from devtools.browser import CHROMIUM_ARGS, find_chromium, login_script
from devtools.config_dir import REPO_ROOT
from devtools.ha_api import Credentials
from devtools.harness import Harness, run_sync

OUTPUT_DIR = REPO_ROOT / "test-output"
SCREENSHOTS = OUTPUT_DIR / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}
# Playwright's own waits: generous, so that only a hang fails a test.
DEFAULT_TIMEOUT_MS = 60_000
NAVIGATION_TIMEOUT_MS = 120_000
expect.set_options(timeout=DEFAULT_TIMEOUT_MS)  # `expect(...)` waits as long


TEST_TIMEOUT = 600  # seconds; the first test also starts Home Assistant
# Home Assistant's user groups (Settings > People > user > group).
ADMIN = "system-admin"
USER = "system-users"
READ_ONLY = "system-read-only"
# The avatar card's module, as the integration serves it (`card.py`).
CARD_MODULE = re.compile(r"/bithuman/bithuman-avatar-card\.js(\?.*)?$")
# The frontend's theme choice, where it keeps it (localStorage `selectedTheme`).
DARK_THEME_SCRIPT = (
    "window.localStorage.setItem('selectedTheme',"
    f" {json.dumps(json.dumps({'theme': 'default', 'dark': True}))});"
)


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker that asks for a simulator on real time."""
    config.addinivalue_line(
        "markers", "real_clock: run against a simulator on real time"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give browser tests a generous timeout (only a hang should reach it)."""
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here) and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(TEST_TIMEOUT))


@pytest.fixture(autouse=True)
def _real_sockets(socket_enabled: None) -> None:
    """Let every browser test open sockets (the Home Assistant plugin blocks them)."""


@dataclass
class HaInstance:
    """A running simulator + `hass`, onboarded, with the bitHuman entry."""

    harness: Harness
    access_token: str

    @property
    def url(self) -> str:
        """Home Assistant's base URL."""
        return self.harness.ha_url

    @property
    def sim_url(self) -> str:
        """The simulator's base URL."""
        return self.harness.sim_url

    def advance_clock(self, seconds: float) -> float:
        """Move the simulator's manual clock forward; return its time."""
        return run_sync(self.harness.advance_clock(seconds))

    def websocket(
        self, command: str, credentials: Credentials | None = None, **data: Any
    ) -> Any:
        """Send one websocket command as a user (default: the owner); return its result."""
        return run_sync(self.harness.websocket(command, credentials, **data))

    def simulator(self, method: str, path: str, payload: Any = None) -> Any:
        """Call the simulator's control API (`/_simulator/<path>`); return its JSON."""
        return run_sync(self.harness.simulator_request(method, path, payload))


class _Instances:
    """Started on first use (one per clock), stopped at the end of the session."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self.factory = factory
        self.running: dict[bool, HaInstance] = {}

    def get(self, *, manual_clock: bool) -> HaInstance:
        if manual_clock not in self.running:
            # Set up inside some test's setup, before its own sockets fixture.
            pytest_socket.enable_socket()
            name = "ha-manual-clock" if manual_clock else "ha-real-clock"
            harness = Harness(self.factory.mktemp(name), manual_clock=manual_clock)
            harness.start()
            try:
                result = run_sync(harness.bootstrap())
            except BaseException:
                harness.stop()
                raise
            if result.entry_problem is not None or not result.access_token:
                harness.stop()
                pytest.fail(f"bitHuman entry not loaded: {result.entry_problem}")
            self.running[manual_clock] = HaInstance(harness, result.access_token)
        return self.running[manual_clock]

    def stop_all(self) -> None:
        for instance in self.running.values():
            instance.harness.stop()


@pytest.fixture(scope="session")
def _ha_instances(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Instances]:
    instances = _Instances(tmp_path_factory)
    try:
        yield instances
    finally:
        instances.stop_all()


@pytest.fixture
def ha_instance(
    request: pytest.FixtureRequest, _ha_instances: _Instances
) -> HaInstance:
    """Return the session's Home Assistant (manual clock unless marked `real_clock`)."""
    manual = request.node.get_closest_marker("real_clock") is None
    return _ha_instances.get(manual_clock=manual)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Return the Chrome/Chromium to drive; skip (fail under CI=true) without one."""
    if (path := find_chromium()) is not None:
        return path
    message = (
        "No Chromium: install Debian's chromium (scripts/setup does, as root)"
        " or set BITHUMAN_CHROMIUM=/path/to/chrome"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def browser(chromium_path: Path) -> Iterator[Browser]:
    """Start a headless Chromium driven by Playwright's sync API, for one test.

    Per test, not per session: while Playwright's sync API is active, its event
    loop counts as running in this thread, which the async tests (and the
    Home Assistant plugin's cleanup checks) around it must not see.
    """
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, args=list(CHROMIUM_ARGS), headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def _file_name(request: pytest.FixtureRequest, label: str) -> Path:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{request.node.name}-{label}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # The folder ignores itself: nothing in it belongs in git.
    ignore = OUTPUT_DIR / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")
    return SCREENSHOTS / f"{name}.png"


def write_screenshot(page: Page, path: Path, **options: Any) -> Path:
    """Save a screenshot of the page at path, written here, not by Playwright.

    Playwright writes a `path=` screenshot from its event loop's executor,
    whose thread outlives the test; Home Assistant's test plugin fails any
    test that leaves a thread behind.
    """
    path.write_bytes(page.screenshot(**options))
    return path


def _new_page(
    browser: Browser,
    ha_instance: HaInstance,
    credentials: Credentials | None = None,
    *,
    dark: bool = False,
) -> Page:
    """Open a page in a fresh context, logged in as the user (default: the owner)."""
    tokens = run_sync(ha_instance.harness.frontend_login(credentials))
    context = browser.new_context(viewport=VIEWPORT, base_url=ha_instance.url)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    context.add_init_script(login_script(tokens))
    if dark:
        context.add_init_script(DARK_THEME_SCRIPT)
    return context.new_page()


def _close_pages(pages: list[tuple[str, Page]], request: pytest.FixtureRequest) -> None:
    """Close the pages' contexts; screenshot each first if the test failed."""
    call = getattr(request.node, "rep_call", None)
    for label, page in pages:
        try:
            if call is not None and call.failed:
                write_screenshot(page, _file_name(request, label), full_page=True)
        finally:
            page.context.close()


@pytest.fixture
def ha_page(
    browser: Browser, ha_instance: HaInstance, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """Open a page of Home Assistant's frontend, logged in as the dev owner."""
    page = _new_page(browser, ha_instance)
    try:
        yield page
    finally:
        _close_pages([("failed", page)], request)


class OpenPage(Protocol):
    """Opens a logged-in page: `open_page(credentials=None, *, dark=False)`."""

    def __call__(
        self, credentials: Credentials | None = None, *, dark: bool = False
    ) -> Page:
        """Open the page."""
        ...


@pytest.fixture
def open_page(
    browser: Browser, ha_instance: HaInstance, request: pytest.FixtureRequest
) -> Iterator[OpenPage]:
    """Return a function that opens more pages (other users, the dark theme)."""
    pages: list[tuple[str, Page]] = []

    def open_one(credentials: Credentials | None = None, *, dark: bool = False) -> Page:
        page = _new_page(browser, ha_instance, credentials, dark=dark)
        pages.append((f"failed-page{len(pages) + 1}", page))
        return page

    try:
        yield open_one
    finally:
        _close_pages(pages, request)


class NewUser(Protocol):
    """Adds a user: `new_user(name, *, group=USER)` returns its login."""

    def __call__(self, name: str, *, group: str = USER) -> Credentials:
        """Add the user."""
        ...


@pytest.fixture
def new_user(ha_instance: HaInstance) -> NewUser:
    """Return a function that adds a Home Assistant user and returns its login.

    Done as Settings > People does it (`config/auth/create`, then the
    username and password); each user has a username of its own, so tests
    sharing the instance never meet each other's users.
    """

    def add(name: str, *, group: str = USER) -> Credentials:
        user = ha_instance.websocket(
            "config/auth/create", name=name, group_ids=[group], local_only=False
        )["user"]
        credentials = Credentials(
            name=name,
            username=f"{re.sub(r'[^a-z0-9]+', '-', name.lower())}-{uuid.uuid4().hex[:6]}",
            password=uuid.uuid4().hex,
        )
        ha_instance.websocket(
            "config/auth_provider/homeassistant/create",
            user_id=user["id"],
            username=credentials.username,
            password=credentials.password,
        )
        return credentials

    return add


type SaveScreenshot = Callable[[Page, str], Path]


@pytest.fixture
def save_screenshot(request: pytest.FixtureRequest) -> SaveScreenshot:
    """Return a function that saves any page as test-output/screenshots/<test>-<label>.png."""

    def save(page: Page, label: str) -> Path:
        return write_screenshot(page, _file_name(request, label), full_page=True)

    return save


@pytest.fixture
def screenshot(ha_page: Page, request: pytest.FixtureRequest) -> Callable[[str], Path]:
    """Return a function that saves the page as test-output/screenshots/<test>-<label>.png."""

    def save(label: str) -> Path:
        return write_screenshot(ha_page, _file_name(request, label), full_page=True)

    return save


type GotoWithCard = Callable[[Page, str], None]


@pytest.fixture
def goto_with_card() -> GotoWithCard:
    """Return a function that opens a path, running the card's module after the app's.

    Home Assistant's page imports the modules added with `add_extra_js_url`
    at the same time as its own app, and the app installs a scoped custom
    element registry that forgets elements defined before it (frontend issue
    #53890): on a cold cache the card can then be missing ("Configuration
    error"). This holds the card's module until the app has defined
    `home-assistant`, which is the order a warm cache usually gives. The
    opposite order is `test_card.py::test_card_survives_loading_before_the_app`.
    """

    def goto(page: Page, path: str) -> None:
        held: list[Route] = []
        app_ready = False

        def hold_until_app_ready(route: Route) -> None:
            if app_ready:
                route.continue_()
            else:
                held.append(route)

        page.route(CARD_MODULE, hold_until_app_ready)
        page.goto(path, wait_until="commit")
        page.wait_for_function(
            "() => customElements.get('home-assistant') !== undefined"
        )
        app_ready = True
        for route in held:
            route.continue_()

    return goto


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Iterator[None]:
    """Keep each phase's report on the item (`ha_page` screenshots failures)."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
