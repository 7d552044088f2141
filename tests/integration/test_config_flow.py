"""Tests of the bitHuman setup: config flow, "Add agent" and the LiveKit options.

The bitHuman API is the simulator and LiveKit the RoomService stand-in of
conftest, both reached over real HTTP through Home Assistant's shared session.
Only the "unexpected error" paths patch a call to raise. Each error table row
is what bitHuman (or LiveKit) does and what the user types, against the errors
or the abort reason the user sees. Forms are read as the frontend receives
them (`probatio.to_field_list`), so "suggested value" and "default" mean what
the dialog shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import json
from pathlib import Path
import socket
from typing import TYPE_CHECKING, Any
from unittest.mock import ANY, patch

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_USER,
    ConfigEntryState,
    ConfigFlowResult,
)
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import (
    config_validation as cv,
    entity_registry as er,
)
import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from bithuman_simulator import REMOVE, Fault, Simulator, SimulatorServer
from bithuman_simulator.faults import OutageMode
from custom_components.bithuman import livekit_check
from custom_components.bithuman.api import BithumanClient
from custom_components.bithuman.const import (
    API_KEYS_URL,
    CONF_ADVANCED,
    CONF_AGENT_CODE,
    CONF_AGENTS,
    CONF_API_SECRET,
    CONF_API_URL,
    CONF_AVATAR_IDENTITY,
    CONF_EMBED_SALT,
    CONF_LIVEKIT_API_KEY,
    CONF_LIVEKIT_API_SECRET,
    CONF_LIVEKIT_URL,
    CONF_WEBHOOK_ID,
    DEFAULT_API_URL,
    DEFAULT_AVATAR_IDENTITY,
    DOMAIN,
    LIBRARY_URL,
    SUBENTRY_TYPE_AGENT,
)
from custom_components.bithuman.schedule import STEADY
from tests.integration.conftest import (
    ACCOUNT_KEY,
    EMAIL,
    FRONT_DOOR,
    KITCHEN,
    LIVEKIT_API_KEY,
    LIVEKIT_API_SECRET,
    OTHER_ACCOUNT_KEY,
    OTHER_EMAIL,
    OTHER_USER_ID,
    USER_ID,
    Advance,
    LiveKitServer,
    agent_device,
    agent_subentry,
    entry_data,
    livekit_connection,
    set_up_entry,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from homeassistant.core import HomeAssistant

    from bithuman_simulator import ManualClock

type EntryFactory = Callable[..., MockConfigEntry]

NEW_SECRET = "sk_integration_rotated_7e5d1c"
UNKNOWN_SECRET = "sk_integration_nobody_has_this_0a0a"
NEW_AGENT = "A10000003"
LINE_BREAK_SECRET = "sk_integration\nsecret"
BLANK = "   "
WRONG_LIVEKIT_SECRET = "lk-wrong-secret-0000000000000000000000"
STRINGS = json.loads(
    (
        Path(__file__).parents[2] / "custom_components/bithuman/translations/en.json"
    ).read_text(encoding="utf-8")
)
# Where each flow's errors and abort reasons are translated.
CONFIG = STRINGS["config"]
ADD_AGENT = STRINGS["config_subentries"][SUBENTRY_TYPE_AGENT]
OPTIONS = STRINGS["options"]


def created_data(secret: str, url: str) -> dict[str, Any]:
    """Return what a new entry stores: its own ids are new, random ones."""
    return {**entry_data(secret, url), CONF_WEBHOOK_ID: ANY, CONF_EMBED_SALT: ANY}


# Reading what the user sees


def assert_form(
    result: Any,
    step_id: str,
    errors: dict[str, str] | None = None,
    *,
    strings: dict[str, Any] = CONFIG,
) -> None:
    """Assert the flow shows the form `step_id` with `errors`, each translated."""
    assert result["type"] is FlowResultType.FORM, result
    assert result["step_id"] == step_id
    assert (result["errors"] or {}) == (errors or {})
    for error in (errors or {}).values():
        assert error in strings["error"], f"{error} is not translated"


def assert_abort(result: Any, reason: str, *, strings: dict[str, Any] = CONFIG) -> None:
    """Assert the flow aborted with `reason`, which is translated."""
    assert result["type"] is FlowResultType.ABORT, result
    assert result["reason"] == reason
    assert reason in strings["abort"], f"{reason} is not translated"


def form_fields(result: Any) -> dict[str, dict[str, Any]]:
    """Return the form's fields as the frontend gets them, by name.

    A field inside a section is named "section.field"; the section itself is
    there too, by its name.
    """
    fields: dict[str, dict[str, Any]] = {}

    def collect(items: list[dict[str, Any]], prefix: str) -> None:
        for item in items:
            fields[prefix + item["name"]] = item
            if item.get("type") == "expandable":
                collect(item["schema"], f"{prefix}{item['name']}.")

    collect(
        probatio.to_field_list(
            result["data_schema"], custom_serializer=cv.custom_serializer
        ),
        "",
    )
    return fields


def suggested(result: Any) -> dict[str, Any]:
    """Return the value the form pre-fills in each field that has one."""
    return {
        name: item["description"]["suggested_value"]
        for name, item in form_fields(result).items()
        if "suggested_value" in item.get("description", {})
    }


def choices(result: Any, name: str) -> list[dict[str, str]]:
    """Return the options of the select field `name`."""
    return form_fields(result)[name]["selector"]["select"]["options"]


def closed_port_url(scheme: str = "http") -> str:
    """Return a URL on 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"{scheme}://127.0.0.1:{port}"


def unavailable_entities(hass: HomeAssistant, entry: MockConfigEntry) -> set[str]:
    """Return the entities of the entry that show as unavailable."""
    return {
        entity.entity_id
        for entity in er.async_entries_for_config_entry(
            er.async_get(hass), entry.entry_id
        )
        if (state := hass.states.get(entity.entity_id)) is None
        or state.state == STATE_UNAVAILABLE
    }


# Driving the flows


def credentials(secret: str | None, url: str) -> dict[str, Any]:
    """Return what the user types in the sign-in form (no secret: left blank)."""
    typed: dict[str, Any] = {CONF_ADVANCED: {CONF_API_URL: url}}
    if secret is not None:
        typed[CONF_API_SECRET] = secret
    return typed


async def start_setup(hass: HomeAssistant) -> ConfigFlowResult:
    """Open "Add integration" for bitHuman."""
    return await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )


async def submit(
    hass: HomeAssistant, result: Any, user_input: dict[str, Any]
) -> ConfigFlowResult:
    """Submit a config flow form."""
    return await hass.config_entries.flow.async_configure(result["flow_id"], user_input)


async def sign_in(hass: HomeAssistant, secret: str, url: str) -> ConfigFlowResult:
    """Open "Add integration" and submit a secret and an API URL."""
    return await submit(hass, await start_setup(hass), credentials(secret, url))


async def reconfigure(
    hass: HomeAssistant, entry: MockConfigEntry, secret: str | None, url: str
) -> ConfigFlowResult:
    """Open "Reconfigure" on the entry, type a secret and an API URL, and wait."""
    result = await submit(
        hass, await entry.start_reconfigure_flow(hass), credentials(secret, url)
    )
    await hass.async_block_till_done()
    return result


def reauth_flow(hass: HomeAssistant) -> Any:
    """Return the one reauth flow in progress."""
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    return flows[0]


async def start_add_agent(hass: HomeAssistant, entry: MockConfigEntry) -> Any:
    """Open "Add agent" on the entry."""
    return await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_TYPE_AGENT), context={"source": SOURCE_USER}
    )


async def submit_agent(hass: HomeAssistant, result: Any, code: str) -> Any:
    """Choose or type an agent code in "Add agent"."""
    return await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_AGENT_CODE: code}
    )


async def start_options(hass: HomeAssistant, entry: MockConfigEntry) -> Any:
    """Open the entry's options."""
    return await hass.config_entries.options.async_init(entry.entry_id)


async def submit_options(
    hass: HomeAssistant, result: Any, user_input: dict[str, Any]
) -> Any:
    """Submit the options form."""
    return await hass.config_entries.options.async_configure(
        result["flow_id"], user_input
    )


@pytest.fixture
def entry(config_entry_factory: EntryFactory, hass: HomeAssistant) -> MockConfigEntry:
    """Return a stored entry of the main account tracking Front Door, not set up."""
    stored = config_entry_factory(agents={FRONT_DOOR: "Front Door"})
    stored.add_to_hass(hass)
    return stored


@pytest.fixture
def livekit_entry(
    config_entry_factory: EntryFactory,
    hass: HomeAssistant,
    livekit_options: dict[str, str],
) -> MockConfigEntry:
    """Return a stored entry with a working LiveKit connection, not set up."""
    stored = config_entry_factory(options=livekit_options)
    stored.add_to_hass(hass)
    return stored


@pytest.fixture
async def second_api_url(simulator: Simulator) -> AsyncIterator[str]:
    """Serve the same simulator (same accounts) on a second address."""
    async with SimulatorServer(simulator) as server:
        yield server.url


@pytest.fixture
async def foreign_api_url(sim_clock: ManualClock) -> AsyncIterator[str]:
    """Serve another bitHuman where the main secret belongs to another account."""
    foreign = Simulator(clock=sim_clock)
    foreign.add_account(ACCOUNT_KEY, user_id=OTHER_USER_ID, email=OTHER_EMAIL)
    async with SimulatorServer(foreign) as server:
        yield server.url


# What can go wrong when a secret is checked: the rows of the error tables.

type Arrange = Callable[[Simulator], object]


def _as_it_is(simulator: Simulator) -> None:
    """Leave the simulator as it is."""


def _revoked(simulator: Simulator) -> None:
    simulator.revoke_secret(ACCOUNT_KEY)


def _suspended(http_status: int) -> Arrange:
    return lambda sim: sim.set_account_status(
        USER_ID, "suspended", http_status=http_status
    )


def _fault(**kwargs: Any) -> Arrange:
    return lambda sim: sim.add_fault(Fault(**kwargs))


def _outage(mode: OutageMode) -> Arrange:
    return lambda sim: sim.set_outage(True, mode)


@dataclass(frozen=True)
class SignInCase:
    """What bitHuman does and what the user types, and the errors shown.

    `url` may name "{simulator}" (the simulator's address) or "{closed}" (an
    address where nothing listens).
    """

    errors: dict[str, str]
    arrange: Arrange = _as_it_is
    secret: str = ACCOUNT_KEY
    url: str = "{simulator}"

    def typed_url(self, simulator_url: str) -> str:
        """Return the API URL the user types."""
        return self.url.format(simulator=simulator_url, closed=closed_port_url())


def sign_in_case(
    case_id: str,
    errors: dict[str, str],
    arrange: Arrange = _as_it_is,
    *,
    secret: str = ACCOUNT_KEY,
    url: str = "{simulator}",
) -> Any:
    """Return one row of a sign-in error table."""
    return pytest.param(SignInCase(errors, arrange, secret, url), id=case_id)


SECRET_REJECTED = {CONF_API_SECRET: "invalid_auth"}
SUSPENDED = {"base": "account_suspended"}
CANNOT_CONNECT = {"base": "cannot_connect"}
INVALID_URL = {"base": "invalid_url"}

# Every form that checks a typed secret against the API shows these.
SECRET_CHECK_FAILURES = [
    sign_in_case("unknown-secret", SECRET_REJECTED, secret=UNKNOWN_SECRET),
    sign_in_case("revoked-secret", SECRET_REJECTED, _revoked),
    sign_in_case("line-break-in-secret", SECRET_REJECTED, secret=LINE_BREAK_SECRET),
    sign_in_case(
        "validate-says-invalid",
        SECRET_REJECTED,
        _fault(path="/v1/validate", patch={"valid": False}),
    ),
    sign_in_case("suspended-401", SUSPENDED, _suspended(401)),
    sign_in_case("suspended-403", SUSPENDED, _suspended(403)),
    sign_in_case("connection-dropped", CANNOT_CONNECT, _outage("drop")),
    sign_in_case("api-unavailable", CANNOT_CONNECT, _outage("503")),
    sign_in_case(
        "validate-fails", CANNOT_CONNECT, _fault(path="/v1/validate", status=500)
    ),
    sign_in_case(
        "account-read-fails", CANNOT_CONNECT, _fault(path="/v1/me", status=500)
    ),
    sign_in_case(
        "account-not-json", CANNOT_CONNECT, _fault(path="/v1/me", malformed="html")
    ),
    sign_in_case(
        "rate-limited-for-long",
        CANNOT_CONNECT,
        _fault(path="/v1/validate", status=429, retry_after=120),
    ),
]
BLANK_SECRET = sign_in_case("blank-secret", SECRET_REJECTED, secret=BLANK)
# The forms with an API URL field add these.
URL_FAILURES = [
    sign_in_case("not-http", INVALID_URL, url="ftp://{simulator}"),
    sign_in_case("not-a-url", INVALID_URL, url="not a url"),
    sign_in_case("no-host", INVALID_URL, url="http://"),
    sign_in_case("unparsable", INVALID_URL, url="http://[::1"),
    sign_in_case("nothing-listens", CANNOT_CONNECT, url="{closed}"),
    sign_in_case("not-the-api", CANNOT_CONNECT, url="{simulator}/not-the-api"),
]


# Step "user" and step "agents"


async def test_setup_asks_for_the_secret_with_the_api_url_folded_away(
    hass: HomeAssistant,
) -> None:
    """The first form: a password field and the API URL in a collapsed section."""
    result = await start_setup(hass)

    assert_form(result, "user")
    fields = form_fields(result)
    assert fields[CONF_API_SECRET]["selector"]["text"]["type"] == "password"
    assert fields[CONF_API_SECRET]["required"] is True
    assert fields[CONF_ADVANCED]["expanded"] is False
    assert fields[f"{CONF_ADVANCED}.{CONF_API_URL}"]["default"] == DEFAULT_API_URL
    assert suggested(result) == {}
    assert result["description_placeholders"] == {"api_keys_url": API_KEYS_URL}


@pytest.mark.usefixtures("agents")
async def test_agents_step_lists_every_agent_by_name_and_code_all_chosen(
    hass: HomeAssistant, simulator_url: str
) -> None:
    """After the secret: the account's agents, "Name (CODE)", all selected."""
    result = await sign_in(hass, ACCOUNT_KEY, simulator_url)

    assert_form(result, "agents")
    assert result["last_step"] is True
    assert sorted(choices(result, CONF_AGENTS), key=lambda o: o["value"]) == [
        {"value": FRONT_DOOR, "label": f"Front Door ({FRONT_DOOR})"},
        {"value": KITCHEN, "label": f"Kitchen ({KITCHEN})"},
    ]
    assert sorted(form_fields(result)[CONF_AGENTS]["default"]) == [FRONT_DOOR, KITCHEN]
    assert result["description_placeholders"] == {
        "account": EMAIL,
        "agent_count": "2",
        "library_url": LIBRARY_URL,
    }


def _organization_member_has(hass: HomeAssistant, code: str, name: str) -> None:
    """Store the entry of another member of the organization, which has `code`.

    bitHuman organizations share their agents between members.
    """
    MockConfigEntry(
        domain=DOMAIN,
        title=OTHER_EMAIL,
        unique_id=OTHER_USER_ID,
        minor_version=2,
        data={CONF_API_SECRET: OTHER_ACCOUNT_KEY},
        subentries_data=[agent_subentry(code, name)],
    ).add_to_hass(hass)


@pytest.mark.usefixtures("agents")
async def test_agents_step_leaves_out_agents_another_account_has(
    hass: HomeAssistant, simulator_url: str
) -> None:
    """An agent is shown once: the one another member added is not offered."""
    _organization_member_has(hass, KITCHEN, "Kitchen")
    result = await sign_in(hass, ACCOUNT_KEY, simulator_url)

    assert_form(result, "agents")
    assert choices(result, CONF_AGENTS) == [
        {"value": FRONT_DOOR, "label": f"Front Door ({FRONT_DOOR})"}
    ]


@pytest.mark.usefixtures("agents", "mock_setup_entry")
async def test_setup_creates_the_account_entry_with_every_agent(
    hass: HomeAssistant, simulator_url: str
) -> None:
    """Keeping the default choice: an entry titled by email, a subentry per agent."""
    result = await submit(hass, await sign_in(hass, ACCOUNT_KEY, simulator_url), {})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == EMAIL
    assert result["data"] == created_data(ACCOUNT_KEY, simulator_url)
    for key in (CONF_WEBHOOK_ID, CONF_EMBED_SALT):
        assert int(result["data"][key], 16).bit_length() > 64  # random, not blank
    created = result["result"]
    assert created.unique_id == USER_ID
    assert sorted(
        (sub.subentry_type, sub.unique_id, sub.title, dict(sub.data))
        for sub in created.subentries.values()
    ) == [
        (SUBENTRY_TYPE_AGENT, FRONT_DOOR, "Front Door", {CONF_AGENT_CODE: FRONT_DOOR}),
        (SUBENTRY_TYPE_AGENT, KITCHEN, "Kitchen", {CONF_AGENT_CODE: KITCHEN}),
    ]


@pytest.mark.usefixtures("agents", "mock_setup_entry")
@pytest.mark.parametrize(
    ("chosen", "added"),
    [([KITCHEN], ["Kitchen"]), ([], [])],
    ids=["one-agent", "no-agent"],
)
async def test_setup_adds_only_the_agents_chosen(
    hass: HomeAssistant, simulator_url: str, chosen: list[str], added: list[str]
) -> None:
    """Agents cleared from the list are not added."""
    agents_step = await sign_in(hass, ACCOUNT_KEY, simulator_url)
    result = await submit(hass, agents_step, {CONF_AGENTS: chosen})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert [sub.title for sub in result["result"].subentries.values()] == added


@pytest.mark.usefixtures("account", "mock_setup_entry")
async def test_account_without_agents_is_set_up_without_a_list(
    hass: HomeAssistant, simulator_url: str
) -> None:
    """No agents: the agents step says 0 and has nothing to choose."""
    agents_step = await sign_in(hass, ACCOUNT_KEY, simulator_url)

    assert_form(agents_step, "agents")
    assert form_fields(agents_step) == {}
    assert agents_step["description_placeholders"]["agent_count"] == "0"
    result = await submit(hass, agents_step, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].subentries == {}


async def test_agents_step_lists_agents_of_every_page(
    hass: HomeAssistant, simulator: Simulator, account: str, simulator_url: str
) -> None:
    """An account with more agents than one page holds: all are offered."""
    for number in range(150):
        simulator.add_agent(account, code=f"B{number:08d}", name=f"Agent {number}")

    result = await sign_in(hass, ACCOUNT_KEY, simulator_url)

    assert len(choices(result, CONF_AGENTS)) == 150
    assert result["description_placeholders"]["agent_count"] == "150"


@pytest.mark.usefixtures("mock_setup_entry")
async def test_agent_without_name_is_listed_and_added_by_code(
    hass: HomeAssistant, simulator: Simulator, account: str, simulator_url: str
) -> None:
    """An agent bitHuman gives no name shows its code, in the list and as title."""
    simulator.add_agent(account, code=NEW_AGENT)
    simulator.override_agent_fields(NEW_AGENT, {"name": REMOVE})

    agents_step = await sign_in(hass, ACCOUNT_KEY, simulator_url)
    assert choices(agents_step, CONF_AGENTS) == [
        {"value": NEW_AGENT, "label": NEW_AGENT}
    ]
    result = await submit(hass, agents_step, {})
    assert [sub.title for sub in result["result"].subentries.values()] == [NEW_AGENT]


@pytest.mark.usefixtures("account", "mock_setup_entry")
async def test_account_without_email_is_titled_bithuman(
    hass: HomeAssistant, simulator: Simulator, simulator_url: str
) -> None:
    """/v1/me without an email: the entry is called "bitHuman"."""
    simulator.add_fault(Fault(path="/v1/me", patch={"data.email": REMOVE}))

    agents_step = await sign_in(hass, ACCOUNT_KEY, simulator_url)
    assert agents_step["description_placeholders"]["account"] == "bitHuman"
    result = await submit(hass, agents_step, {})
    assert result["title"] == "bitHuman"


@pytest.mark.usefixtures("account", "mock_setup_entry")
async def test_setup_stores_the_secret_and_url_without_stray_whitespace(
    hass: HomeAssistant, simulator_url: str
) -> None:
    """Pasted values with spaces and a trailing slash are stored cleaned."""
    agents_step = await sign_in(hass, f"  {ACCOUNT_KEY}\t", f" {simulator_url}/ ")
    result = await submit(hass, agents_step, {})

    assert result["data"] == created_data(ACCOUNT_KEY, simulator_url)


@pytest.mark.usefixtures("account")
@pytest.mark.parametrize(
    "case",
    [
        *SECRET_CHECK_FAILURES,
        BLANK_SECRET,
        *URL_FAILURES,
        sign_in_case(
            "agent-list-fails", CANNOT_CONNECT, _fault(path="/v1/agents", status=500)
        ),
    ],
)
async def test_setup_errors(
    hass: HomeAssistant, simulator: Simulator, simulator_url: str, case: SignInCase
) -> None:
    """A secret or URL that does not lead to a usable account: the form says why."""
    case.arrange(simulator)

    result = await sign_in(hass, case.secret, case.typed_url(simulator_url))

    assert_form(result, "user", case.errors)


@pytest.mark.usefixtures("account")
@pytest.mark.parametrize(
    ("secret", "url"),
    [
        (UNKNOWN_SECRET, "{simulator}"),
        (ACCOUNT_KEY, "ftp://{simulator}"),
    ],
    ids=["secret-rejected", "invalid-url"],
)
async def test_setup_form_keeps_what_was_typed_after_an_error(
    hass: HomeAssistant, simulator_url: str, secret: str, url: str
) -> None:
    """After an error the secret and the URL typed are still in the form."""
    typed_url = url.format(simulator=simulator_url)

    result = await sign_in(hass, secret, typed_url)

    assert result["errors"]
    assert suggested(result) == {
        CONF_API_SECRET: secret,
        f"{CONF_ADVANCED}.{CONF_API_URL}": typed_url,
    }


@pytest.mark.usefixtures("account")
@pytest.mark.parametrize(
    "secret", [BLANK, LINE_BREAK_SECRET], ids=["blank", "line-break"]
)
async def test_unusable_secret_is_rejected_without_asking_bithuman(
    hass: HomeAssistant, simulator: Simulator, simulator_url: str, secret: str
) -> None:
    """A blank secret or one with a line break never goes out in a header."""
    result = await sign_in(hass, secret, simulator_url)

    assert result["errors"] == SECRET_REJECTED
    assert simulator.count() == 0


@pytest.mark.usefixtures("account")
async def test_setup_goes_on_once_the_error_is_fixed(
    hass: HomeAssistant, simulator: Simulator, simulator_url: str
) -> None:
    """The same flow continues after bitHuman comes back."""
    simulator.set_outage(True)
    failed = await sign_in(hass, ACCOUNT_KEY, simulator_url)
    assert failed["errors"] == CANNOT_CONNECT

    simulator.set_outage(False)
    result = await submit(hass, failed, credentials(ACCOUNT_KEY, simulator_url))

    assert_form(result, "agents")


@pytest.mark.usefixtures("account")
async def test_unexpected_error_during_setup_shows_unknown(
    hass: HomeAssistant, simulator_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug while checking the secret: "unknown" in the form, the trace in the log."""
    with patch.object(BithumanClient, "validate", side_effect=RuntimeError("boom")):
        result = await sign_in(hass, ACCOUNT_KEY, simulator_url)

    assert_form(result, "user", {"base": "unknown"})
    assert "Unexpected error while checking the bitHuman account" in caplog.text


@pytest.mark.usefixtures("entry")
@pytest.mark.parametrize(
    "secret", [ACCOUNT_KEY, NEW_SECRET], ids=["same-secret", "another-secret"]
)
async def test_same_account_twice_aborts_already_configured(
    hass: HomeAssistant, simulator: Simulator, simulator_url: str, secret: str
) -> None:
    """Any secret of an account already set up: abort, nothing added."""
    simulator.add_secret(USER_ID, NEW_SECRET)

    result = await sign_in(hass, secret, simulator_url)

    assert_abort(result, "already_configured")
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


@pytest.mark.usefixtures("account")
async def test_same_account_in_two_windows_aborts_already_in_progress(
    hass: HomeAssistant, simulator_url: str
) -> None:
    """While one window is at the agents step, another for the account aborts."""
    first = await sign_in(hass, ACCOUNT_KEY, simulator_url)
    assert_form(first, "agents")

    second = await sign_in(hass, ACCOUNT_KEY, simulator_url)

    assert_abort(second, "already_in_progress")


@pytest.mark.usefixtures("entry", "mock_setup_entry")
async def test_second_account_gets_its_own_entry(
    hass: HomeAssistant, other_account: str, simulator_url: str
) -> None:
    """Another account beside a configured one is set up as a new entry."""
    result = await submit(hass, await sign_in(hass, other_account, simulator_url), {})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert (result["title"], result["result"].unique_id) == (OTHER_EMAIL, OTHER_USER_ID)
    assert len(hass.config_entries.async_entries(DOMAIN)) == 2


# Reauth


async def test_reauth_asks_for_a_new_secret_only(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """The reauth form: just the secret, no URL, nothing pre-filled."""
    result = await entry.start_reauth_flow(hass)

    assert_form(result, "reauth_confirm")
    assert list(form_fields(result)) == [CONF_API_SECRET]
    assert suggested(result) == {}
    assert result["description_placeholders"]["api_keys_url"] == API_KEYS_URL


@pytest.mark.usefixtures("mock_setup_entry")
async def test_reauth_stores_the_new_secret(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: Simulator,
    simulator_url: str,
) -> None:
    """A rotated secret of the same account replaces the stored one, trimmed."""
    simulator.add_secret(USER_ID, NEW_SECRET)
    simulator.revoke_secret(ACCOUNT_KEY)

    result = await submit(
        hass, await entry.start_reauth_flow(hass), {CONF_API_SECRET: f" {NEW_SECRET}\n"}
    )
    await hass.async_block_till_done()

    assert_abort(result, "reauth_successful")
    # The entry keeps its own ids: its webhook and card fingerprints hold.
    assert entry.data == {
        **entry_data(ACCOUNT_KEY, simulator_url),
        CONF_API_SECRET: NEW_SECRET,
    }


@pytest.mark.parametrize("case", [*SECRET_CHECK_FAILURES, BLANK_SECRET])
async def test_reauth_errors(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: Simulator, case: SignInCase
) -> None:
    """A secret that does not lead to the account: the form says why, keeps it."""
    reauth = await entry.start_reauth_flow(hass)
    case.arrange(simulator)

    result = await submit(hass, reauth, {CONF_API_SECRET: case.secret})

    assert_form(result, "reauth_confirm", case.errors)
    assert suggested(result) == {CONF_API_SECRET: case.secret}
    assert entry.data[CONF_API_SECRET] == ACCOUNT_KEY


async def test_reauth_with_another_accounts_secret_aborts_wrong_account(
    hass: HomeAssistant, entry: MockConfigEntry, other_account: str
) -> None:
    """A secret of a different account is refused and not stored."""
    result = await submit(
        hass, await entry.start_reauth_flow(hass), {CONF_API_SECRET: other_account}
    )

    assert_abort(result, "wrong_account")
    assert entry.data[CONF_API_SECRET] == ACCOUNT_KEY


@pytest.mark.usefixtures("mock_setup_entry")
async def test_reauth_of_a_suspended_account_works_once_it_is_active_again(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Suspension is what stops reauth, and the form says so; nothing else."""
    simulator.add_secret(USER_ID, NEW_SECRET)
    simulator.set_account_status(USER_ID, "suspended")
    reauth = await entry.start_reauth_flow(hass)

    refused = await submit(hass, reauth, {CONF_API_SECRET: NEW_SECRET})
    assert_form(refused, "reauth_confirm", SUSPENDED)
    assert "suspended" in CONFIG["error"]["account_suspended"]

    simulator.set_account_status(USER_ID, "active")
    result = await submit(hass, refused, {CONF_API_SECRET: NEW_SECRET})
    await hass.async_block_till_done()

    assert_abort(result, "reauth_successful")
    assert entry.data[CONF_API_SECRET] == NEW_SECRET


async def test_reauth_reloads_the_loaded_entry_with_the_new_secret(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """The running entry starts again on the new secret (the old one is gone)."""
    before = init_integration.runtime_data
    simulator.add_secret(USER_ID, NEW_SECRET)
    simulator.revoke_secret(ACCOUNT_KEY)

    result = await submit(
        hass,
        await init_integration.start_reauth_flow(hass),
        {CONF_API_SECRET: NEW_SECRET},
    )
    await hass.async_block_till_done()

    assert_abort(result, "reauth_successful")
    # Set up again, and the old secret is revoked: the new one is in use.
    assert init_integration.runtime_data is not before
    assert init_integration.state is ConfigEntryState.LOADED
    assert init_integration.data[CONF_API_SECRET] == NEW_SECRET


async def test_reauth_sets_up_the_entry_whose_secret_was_refused_at_start(
    hass: HomeAssistant,
    entry_with_revoked_secret: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Setup failed on a revoked secret; the new secret gets the entry loaded."""
    stored = entry_with_revoked_secret
    assert stored.state is ConfigEntryState.SETUP_ERROR
    simulator.add_secret(USER_ID, NEW_SECRET)

    result = await submit(hass, reauth_flow(hass), {CONF_API_SECRET: NEW_SECRET})
    await hass.async_block_till_done()

    assert_abort(result, "reauth_successful")
    assert stored.state is ConfigEntryState.LOADED
    assert stored.data[CONF_API_SECRET] == NEW_SECRET


async def test_reauth_with_the_same_secret_brings_the_entry_back(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
) -> None:
    """A one-off 401 stopped polling; confirming the same secret heals it."""
    by_design = unavailable_entities(hass, init_integration)
    simulator.add_fault(Fault(status=401, code="UNAUTHORIZED", times=1))
    await advance(STEADY)
    assert unavailable_entities(hass, init_integration) > by_design

    result = await submit(hass, reauth_flow(hass), {CONF_API_SECRET: ACCOUNT_KEY})
    assert_abort(result, "reauth_successful")
    await advance(STEADY)

    assert unavailable_entities(hass, init_integration) == by_design


# Reconfigure


async def test_reconfigure_shows_the_stored_url_but_never_the_secret(
    hass: HomeAssistant, entry: MockConfigEntry, simulator_url: str
) -> None:
    """The secret field is empty and optional; the URL defaults to the stored one."""
    result = await entry.start_reconfigure_flow(hass)

    assert_form(result, "reconfigure")
    fields = form_fields(result)
    assert fields[CONF_API_SECRET]["required"] is False
    assert fields[f"{CONF_ADVANCED}.{CONF_API_URL}"]["default"] == simulator_url
    assert suggested(result) == {}
    assert ACCOUNT_KEY not in json.dumps(fields)


@pytest.mark.usefixtures("mock_setup_entry")
async def test_reconfigure_stores_a_new_secret_and_url(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: Simulator,
    second_api_url: str,
) -> None:
    """Both change (trimmed), as long as they reach the same account."""
    simulator.add_secret(USER_ID, NEW_SECRET)

    result = await reconfigure(hass, entry, f" {NEW_SECRET} ", f" {second_api_url}/")

    assert_abort(result, "reconfigure_successful")
    assert entry.data == {
        **entry_data(ACCOUNT_KEY, second_api_url),
        CONF_API_SECRET: NEW_SECRET,
    }


@pytest.mark.usefixtures("mock_setup_entry")
@pytest.mark.parametrize("blank", [None, "", "  "], ids=["omitted", "empty", "spaces"])
async def test_reconfigure_with_blank_secret_keeps_the_stored_one(
    hass: HomeAssistant, entry: MockConfigEntry, second_api_url: str, blank: str | None
) -> None:
    """Leaving the secret empty changes only the URL."""
    result = await reconfigure(hass, entry, blank, second_api_url)

    assert_abort(result, "reconfigure_successful")
    assert entry.data == entry_data(ACCOUNT_KEY, second_api_url)


@pytest.mark.parametrize(
    "case",
    [
        *SECRET_CHECK_FAILURES,
        *URL_FAILURES,
        sign_in_case("stored-secret-revoked", SECRET_REJECTED, _revoked, secret=""),
    ],
)
async def test_reconfigure_errors(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: Simulator,
    simulator_url: str,
    case: SignInCase,
) -> None:
    """A secret or URL that does not lead to the account: the form says why."""
    reconfigure = await entry.start_reconfigure_flow(hass)
    case.arrange(simulator)

    result = await submit(
        hass, reconfigure, credentials(case.secret, case.typed_url(simulator_url))
    )

    assert_form(result, "reconfigure", case.errors)
    assert entry.data == entry_data(ACCOUNT_KEY, simulator_url)


async def test_reconfigure_form_keeps_what_was_typed_after_an_error(
    hass: HomeAssistant, entry: MockConfigEntry, simulator_url: str
) -> None:
    """After an error the secret and URL typed are still there."""
    typed = credentials(UNKNOWN_SECRET, f"{simulator_url}/")

    result = await submit(hass, await entry.start_reconfigure_flow(hass), typed)

    assert result["errors"] == SECRET_REJECTED
    assert suggested(result) == {
        CONF_API_SECRET: UNKNOWN_SECRET,
        f"{CONF_ADVANCED}.{CONF_API_URL}": f"{simulator_url}/",
    }


@pytest.mark.parametrize(
    ("secret", "url"),
    [
        # A secret of another account is refused; the entry is unchanged.
        pytest.param(OTHER_ACCOUNT_KEY, "{simulator}", id="another-accounts-secret"),
        # The stored secret on another endpoint is someone else's: refused.
        pytest.param(None, "{foreign}", id="server-of-another-account"),
    ],
)
@pytest.mark.usefixtures("other_account")
async def test_reconfigure_to_another_account_aborts_wrong_account(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator_url: str,
    foreign_api_url: str,
    secret: str | None,
    url: str,
) -> None:
    """A secret or an endpoint that leads to another account: refused, not stored."""
    typed_url = url.format(simulator=simulator_url, foreign=foreign_api_url)

    result = await reconfigure(hass, entry, secret, typed_url)

    assert_abort(result, "wrong_account")
    assert entry.data == entry_data(ACCOUNT_KEY, simulator_url)


async def test_reconfigure_reloads_the_loaded_entry_with_the_new_secret(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    simulator_url: str,
) -> None:
    """The running entry starts again on the new secret (the old one is gone)."""
    before = init_integration.runtime_data
    simulator.add_secret(USER_ID, NEW_SECRET)
    simulator.revoke_secret(ACCOUNT_KEY)
    simulator.clear_requests()

    result = await reconfigure(hass, init_integration, NEW_SECRET, simulator_url)

    assert_abort(result, "reconfigure_successful")
    # The form's check of the account, then one setup: reloaded once, not twice.
    assert simulator.count("GET", "/v1/me") == 2
    # Set up again, and the old secret is revoked: the new one is in use.
    assert init_integration.runtime_data is not before
    assert init_integration.state is ConfigEntryState.LOADED
    assert init_integration.data[CONF_API_SECRET] == NEW_SECRET


async def test_reconfigure_sets_up_the_entry_that_could_not_connect(
    hass: HomeAssistant,
    config_entry_factory: EntryFactory,
    agents: dict[str, str],
    simulator_url: str,
) -> None:
    """A wrong API URL kept setup retrying; the right one gets the entry loaded."""
    stored = config_entry_factory(
        agents=agents,
        data=entry_data(ACCOUNT_KEY, closed_port_url()),
    )
    await set_up_entry(hass, stored)
    assert stored.state is ConfigEntryState.SETUP_RETRY

    result = await reconfigure(hass, stored, None, simulator_url)

    assert_abort(result, "reconfigure_successful")
    assert stored.state is ConfigEntryState.LOADED
    assert stored.data[CONF_API_URL] == simulator_url


# Add agent (subentry flow)


@pytest.mark.usefixtures("agents")
async def test_add_agent_offers_the_agents_not_added_yet(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """Front Door is in already: only Kitchen is offered, and a code can be typed."""
    result = await start_add_agent(hass, entry)

    assert_form(result, "user", strings=ADD_AGENT)
    assert choices(result, CONF_AGENT_CODE) == [
        {"value": KITCHEN, "label": f"Kitchen ({KITCHEN})"}
    ]
    assert form_fields(result)[CONF_AGENT_CODE]["selector"]["select"]["custom_value"]
    assert result["description_placeholders"] == {
        "available": "1",
        "library_url": LIBRARY_URL,
    }


@pytest.mark.usefixtures("agents")
@pytest.mark.parametrize("typed", [KITCHEN, f"  {KITCHEN} "], ids=["picked", "padded"])
async def test_add_agent_creates_the_subentry_of_the_agent_chosen(
    hass: HomeAssistant, entry: MockConfigEntry, typed: str
) -> None:
    """Kitchen becomes a subentry titled by its name."""
    result = await submit_agent(hass, await start_add_agent(hass, entry), typed)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert (result["title"], result["data"], result["unique_id"]) == (
        "Kitchen",
        {CONF_AGENT_CODE: KITCHEN},
        KITCHEN,
    )
    assert sorted(sub.unique_id for sub in entry.subentries.values()) == [
        FRONT_DOOR,
        KITCHEN,
    ]


@pytest.mark.usefixtures("agents")
async def test_add_agent_accepts_a_typed_code_of_an_agent_not_listed(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: Simulator, account: str
) -> None:
    """An agent created after the list was loaded is found by its code."""
    form = await start_add_agent(hass, entry)
    simulator.add_agent(account, code=NEW_AGENT, name="Porch")

    result = await submit_agent(hass, form, NEW_AGENT)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert (result["title"], result["unique_id"]) == ("Porch", NEW_AGENT)
    assert simulator.count("GET", f"/v1/agent/{NEW_AGENT}") == 1


@pytest.mark.usefixtures("agents")
async def test_add_agent_shows_the_form_when_every_agent_is_added(
    hass: HomeAssistant, config_entry_factory: EntryFactory
) -> None:
    """Nothing left to pick: an empty list, but a code can still be typed."""
    full = config_entry_factory(agents={FRONT_DOOR: "Front Door", KITCHEN: "Kitchen"})
    full.add_to_hass(hass)

    result = await start_add_agent(hass, full)

    assert_form(result, "user", strings=ADD_AGENT)
    assert choices(result, CONF_AGENT_CODE) == []
    assert result["description_placeholders"]["available"] == "0"


@pytest.mark.usefixtures("agents")
async def test_add_agent_already_added_aborts(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """Typing the code of an agent already in Home Assistant aborts."""
    result = await submit_agent(hass, await start_add_agent(hass, entry), FRONT_DOOR)

    assert_abort(result, "already_configured", strings=ADD_AGENT)
    assert len(entry.subentries) == 1


@pytest.mark.usefixtures("agents")
async def test_add_agent_another_account_has_aborts_naming_it(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """Not offered, and typed it aborts saying which account shows it."""
    _organization_member_has(hass, KITCHEN, "Kitchen")
    form = await start_add_agent(hass, entry)
    assert choices(form, CONF_AGENT_CODE) == []

    result = await submit_agent(hass, form, KITCHEN)

    assert_abort(result, "agent_in_other_account", strings=ADD_AGENT)
    assert result["description_placeholders"] == {"account": OTHER_EMAIL}
    assert len(entry.subentries) == 1


def _agent_of_other_account(simulator: Simulator) -> None:
    simulator.add_account(OTHER_ACCOUNT_KEY, user_id=OTHER_USER_ID)
    simulator.add_agent(OTHER_ACCOUNT_KEY, code=NEW_AGENT, name="Not yours")


def agent_case(
    case_id: str,
    typed: str,
    errors: dict[str, str],
    arrange: Arrange = _as_it_is,
    *,
    marks: Any = (),
) -> Any:
    """Return one row: the code typed, what bitHuman does once the form is open."""
    return pytest.param(typed, errors, arrange, id=case_id, marks=marks)


AGENT_NOT_FOUND = {CONF_AGENT_CODE: "agent_not_found"}


@pytest.mark.usefixtures("agents")
@pytest.mark.parametrize(
    ("typed", "errors", "arrange"),
    [
        agent_case("unknown-code", "A99999999", AGENT_NOT_FOUND),
        agent_case(
            "other-accounts-agent", NEW_AGENT, AGENT_NOT_FOUND, _agent_of_other_account
        ),
        agent_case("blank", BLANK, AGENT_NOT_FOUND),
        agent_case(
            "dot-dot",
            "..",
            AGENT_NOT_FOUND,
        ),
        agent_case(
            "agent-read-fails",
            NEW_AGENT,
            CANNOT_CONNECT,
            _fault(path="/v1/agent/*", status=500),
        ),
        agent_case(
            "connection-dropped",
            NEW_AGENT,
            CANNOT_CONNECT,
            _fault(path="/v1/agent/*", drop=True),
        ),
    ],
)
async def test_add_agent_code_errors(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: Simulator,
    typed: str,
    errors: dict[str, str],
    arrange: Arrange,
) -> None:
    """A code that does not lead to an agent of the account: the form says why."""
    form = await start_add_agent(hass, entry)
    arrange(simulator)

    result = await submit_agent(hass, form, typed)

    assert_form(result, "user", errors, strings=ADD_AGENT)
    assert len(entry.subentries) == 1


@pytest.mark.usefixtures("agents")
async def test_add_agent_keeps_the_unknown_code_typed(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """After "not found" the field still holds the code, and the list is the same."""
    result = await submit_agent(hass, await start_add_agent(hass, entry), "A99999999")

    assert result["errors"] == AGENT_NOT_FOUND
    assert suggested(result) == {CONF_AGENT_CODE: "A99999999"}
    assert [option["value"] for option in choices(result, CONF_AGENT_CODE)] == [KITCHEN]


@pytest.mark.usefixtures("agents")
async def test_add_agent_without_the_list_still_takes_a_typed_code(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: Simulator
) -> None:
    """The list cannot be loaded: the form says so, a typed code still works."""
    listing = simulator.add_fault(Fault(path="/v1/agents", status=500))

    form = await start_add_agent(hass, entry)
    assert_form(form, "user", CANNOT_CONNECT, strings=ADD_AGENT)
    assert choices(form, CONF_AGENT_CODE) == []
    simulator.remove_fault(listing)
    result = await submit_agent(hass, form, KITCHEN)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Kitchen"


@pytest.mark.usefixtures("agents")
@pytest.mark.parametrize("when", ["listing", "reading-the-code"])
async def test_add_agent_with_a_rejected_secret_aborts_and_asks_for_reauth(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: Simulator, when: str
) -> None:
    """The stored secret is refused: abort with reauth_required, reauth starts."""
    if when == "listing":
        simulator.revoke_secret(ACCOUNT_KEY)
        result = await start_add_agent(hass, entry)
    else:
        form = await start_add_agent(hass, entry)
        simulator.revoke_secret(ACCOUNT_KEY)
        result = await submit_agent(hass, form, NEW_AGENT)
    await hass.async_block_till_done()

    assert_abort(result, "reauth_required", strings=ADD_AGENT)
    assert reauth_flow(hass)["context"]["entry_id"] == entry.entry_id


@pytest.mark.usefixtures("agents")
async def test_unexpected_error_reading_an_agent_shows_unknown(
    hass: HomeAssistant, entry: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug while reading the typed code: "unknown", the trace in the log."""
    form = await start_add_agent(hass, entry)
    with patch.object(BithumanClient, "get_agent", side_effect=RuntimeError("boom")):
        result = await submit_agent(hass, form, NEW_AGENT)

    assert_form(result, "user", {"base": "unknown"}, strings=ADD_AGENT)
    assert "Unexpected error while reading a bitHuman agent" in caplog.text


@pytest.mark.usefixtures("agents")
async def test_add_agent_to_a_suspended_account_says_it_is_suspended(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Suspended, not unreachable: the form tells the user to top up."""
    simulator.set_account_status(USER_ID, "suspended")

    result = await start_add_agent(hass, entry)

    assert_form(result, "user", SUSPENDED, strings=ADD_AGENT)


async def test_added_agent_appears_as_a_device_of_the_loaded_entry(
    hass: HomeAssistant,
    config_entry_factory: EntryFactory,
    agents: dict[str, str],
) -> None:
    """The running entry picks the new agent up: its device shows."""
    running = config_entry_factory(agents={FRONT_DOOR: agents[FRONT_DOOR]})
    await set_up_entry(hass, running)
    assert agent_device(hass, KITCHEN) is None

    await submit_agent(hass, await start_add_agent(hass, running), KITCHEN)
    await hass.async_block_till_done()

    assert running.state is ConfigEntryState.LOADED
    kitchen = agent_device(hass, KITCHEN)
    assert kitchen is not None
    assert kitchen.name == "Kitchen"


# Options: the LiveKit connection


async def test_options_show_the_stored_connection_but_not_its_secret(
    hass: HomeAssistant,
    livekit_entry: MockConfigEntry,
    livekit_options: dict[str, str],
) -> None:
    """URL, key and identity are pre-filled; the LiveKit secret never is."""

    result = await start_options(hass, livekit_entry)

    assert_form(result, "init", strings=OPTIONS)
    assert suggested(result) == {
        CONF_LIVEKIT_URL: livekit_options[CONF_LIVEKIT_URL],
        CONF_LIVEKIT_API_KEY: LIVEKIT_API_KEY,
        CONF_AVATAR_IDENTITY: livekit_options[CONF_AVATAR_IDENTITY],
    }
    assert LIVEKIT_API_SECRET not in json.dumps(form_fields(result))


@pytest.mark.parametrize(
    ("stored", "typed", "identity"),
    [
        pytest.param(
            "entry",
            livekit_connection(" {livekit}/ ", f" {LIVEKIT_API_KEY} "),
            " my-avatar ",
            id="new-connection-cleaned-up",
        ),
        pytest.param(
            "livekit_entry",
            livekit_connection("{livekit}", secret=""),
            "lobby-avatar",
            id="blank-secret-keeps-the-stored-one",
        ),
    ],
)
async def test_options_are_stored_after_livekit_accepts_them(
    hass: HomeAssistant,
    request: pytest.FixtureRequest,
    config_entry_factory: EntryFactory,
    livekit_server: LiveKitServer,
    stored: str,
    typed: dict[str, str],
    identity: str,
) -> None:
    """The connection is checked with ListRooms, then stored (cleaned up).

    Changing the identity only, with the secret left blank: the stored secret
    is the one checked, and it is kept.
    """
    # `entry` (no LiveKit yet) or `livekit_entry` (a working connection).
    configured: MockConfigEntry = request.getfixturevalue(stored)
    user_input = {
        key: value.format(livekit=livekit_server.url) for key, value in typed.items()
    }
    user_input[CONF_AVATAR_IDENTITY] = identity

    result = await submit_options(
        hass, await start_options(hass, configured), user_input
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert livekit_server.methods() == [("ListRooms", None)]
    assert configured.options == {
        **livekit_connection(livekit_server.url),
        CONF_AVATAR_IDENTITY: identity.strip(),
    }


@pytest.mark.parametrize("identity", [None, "  "], ids=["omitted", "blank"])
async def test_options_left_empty_turn_gestures_off(
    hass: HomeAssistant,
    livekit_entry: MockConfigEntry,
    livekit_server: LiveKitServer,
    identity: str | None,
) -> None:
    """URL, key and secret cleared: no LiveKit, the default avatar identity."""
    typed = {} if identity is None else {CONF_AVATAR_IDENTITY: identity}

    result = await submit_options(hass, await start_options(hass, livekit_entry), typed)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert livekit_entry.options == {CONF_AVATAR_IDENTITY: DEFAULT_AVATAR_IDENTITY}
    assert livekit_server.calls == []


type ArrangeLiveKit = Callable[[LiveKitServer], object]


def _livekit_as_it_is(server: LiveKitServer) -> None:
    """Leave LiveKit as it is."""


def _livekit_answers(status: int, code: str) -> ArrangeLiveKit:
    return lambda server: setattr(
        server, "error", (status, {"code": code, "msg": "injected"})
    )


def _livekit_sets(attribute: str) -> ArrangeLiveKit:
    return lambda server: setattr(server, attribute, True)


def livekit_case(
    case_id: str,
    typed: dict[str, str],
    errors: dict[str, str],
    arrange: ArrangeLiveKit = _livekit_as_it_is,
) -> Any:
    """Return one row: what the user types, what LiveKit does.

    Typed values may name "{livekit}" (the stand-in's URL) or "{closed}" (a
    URL where nothing listens).
    """
    return pytest.param(typed, errors, arrange, id=case_id)


INCOMPLETE = {"base": "livekit_incomplete"}
LIVEKIT_BAD_URL = {CONF_LIVEKIT_URL: "livekit_invalid_url"}
LIVEKIT_REJECTED = {"base": "livekit_invalid_auth"}
LIVEKIT_UNREACHABLE = {"base": "livekit_cannot_connect"}
LIVEKIT = livekit_connection("{livekit}")


@pytest.mark.parametrize(
    ("typed", "errors", "arrange"),
    [
        livekit_case("url-only", {CONF_LIVEKIT_URL: "{livekit}"}, INCOMPLETE),
        livekit_case("key-only", {CONF_LIVEKIT_API_KEY: LIVEKIT_API_KEY}, INCOMPLETE),
        livekit_case(
            "secret-only", {CONF_LIVEKIT_API_SECRET: LIVEKIT_API_SECRET}, INCOMPLETE
        ),
        livekit_case(
            "no-secret-stored", livekit_connection("{livekit}", secret=""), INCOMPLETE
        ),
        *(
            livekit_case(f"url-{url}", livekit_connection(url), LIVEKIT_BAD_URL)
            for url in ("ftp://livekit.example", "livekit.example:7880", "wss://")
        ),
        livekit_case(
            "url-unparsable", livekit_connection("wss://[::1"), LIVEKIT_BAD_URL
        ),
        livekit_case(
            "wrong-secret",
            livekit_connection("{livekit}", secret=WRONG_LIVEKIT_SECRET),
            LIVEKIT_REJECTED,
        ),
        livekit_case(
            "wrong-key",
            livekit_connection("{livekit}", key="APIwrongKey"),
            LIVEKIT_REJECTED,
        ),
        livekit_case(
            "permission-denied",
            LIVEKIT,
            LIVEKIT_REJECTED,
            _livekit_answers(403, "permission_denied"),
        ),
        livekit_case(
            "server-error",
            LIVEKIT,
            LIVEKIT_UNREACHABLE,
            _livekit_answers(500, "internal"),
        ),
        livekit_case(
            "not-livekit",
            LIVEKIT,
            LIVEKIT_UNREACHABLE,
            _livekit_sets("answer_garbage"),
        ),
        livekit_case("no-answer", LIVEKIT, LIVEKIT_UNREACHABLE, _livekit_sets("stall")),
        livekit_case(
            "nothing-listens", livekit_connection("{closed}"), LIVEKIT_UNREACHABLE
        ),
    ],
)
@pytest.mark.real_time
async def test_options_errors(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    livekit_server: LiveKitServer,
    typed: dict[str, str],
    errors: dict[str, str],
    arrange: ArrangeLiveKit,
) -> None:
    """A connection LiveKit does not accept: the form says why, nothing is stored."""
    arrange(livekit_server)
    closed = closed_port_url()
    user_input = {
        key: value.format(livekit=livekit_server.url, closed=closed)
        for key, value in typed.items()
    }
    form = await start_options(hass, entry)

    # LiveKit gets 0.2 s instead of 10 s to answer, so "no-answer" is quick.
    with patch.object(livekit_check, "LIVEKIT_CHECK_TIMEOUT", 0.2):
        result = await submit_options(hass, form, user_input)

    assert_form(result, "init", errors, strings=OPTIONS)
    assert entry.options == {}


async def test_rejected_options_leave_the_stored_ones_untouched(
    hass: HomeAssistant,
    livekit_entry: MockConfigEntry,
    livekit_options: dict[str, str],
    livekit_server: LiveKitServer,
) -> None:
    """A new key LiveKit refuses does not replace the working connection."""
    typed = livekit_connection(livekit_server.url, key="APIwrongKey", secret="")

    result = await submit_options(hass, await start_options(hass, livekit_entry), typed)

    assert result["errors"] == LIVEKIT_REJECTED
    assert livekit_entry.options == livekit_options


async def test_options_form_keeps_what_was_typed_after_an_error(
    hass: HomeAssistant, entry: MockConfigEntry, livekit_server: LiveKitServer
) -> None:
    """After an error the URL, key, typed secret and identity are still there."""
    typed = livekit_connection(livekit_server.url, secret=WRONG_LIVEKIT_SECRET)
    typed[CONF_AVATAR_IDENTITY] = "my-avatar"

    result = await submit_options(hass, await start_options(hass, entry), typed)

    assert result["errors"] == LIVEKIT_REJECTED
    assert suggested(result) == typed


async def test_options_form_after_an_error_never_shows_the_stored_secret(
    hass: HomeAssistant,
    livekit_entry: MockConfigEntry,
    livekit_server: LiveKitServer,
) -> None:
    """Blank secret (keep the stored one) and LiveKit fails: it stays hidden."""
    livekit_server.error = (500, {"code": "internal", "msg": "injected"})

    result = await submit_options(
        hass,
        await start_options(hass, livekit_entry),
        livekit_connection(livekit_server.url, secret=""),
    )

    assert result["errors"] == LIVEKIT_UNREACHABLE
    assert suggested(result).get(CONF_LIVEKIT_API_SECRET, "") == ""
    assert LIVEKIT_API_SECRET not in json.dumps(form_fields(result))


async def test_unexpected_error_checking_livekit_shows_unknown(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    livekit_server: LiveKitServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bug while checking LiveKit: "unknown", the trace in the log, nothing stored."""
    form = await start_options(hass, entry)
    with patch(
        "custom_components.bithuman.options_flow.async_check_livekit",
        side_effect=RuntimeError("boom"),
    ):
        result = await submit_options(
            hass, form, livekit_connection(livekit_server.url)
        )

    assert_form(result, "init", {"base": "unknown"}, strings=OPTIONS)
    assert "Unexpected error while checking LiveKit" in caplog.text
    assert entry.options == {}
