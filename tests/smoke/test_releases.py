"""A real `hass` of each release in `releases.py` runs bitHuman against the simulator.

For each release: a cached environment (`devtools.release_venv`: the release,
its frontend, what its manifests pin, bitHuman's requirements under its
constraints), the simulator with demo data on a manual clock, onboarding and
the bitHuman entry through the HTTP API, then the clock is moved so that a
generating agent goes processing -> generating -> ready, and its Status sensor
must follow in `/api/states`. Home Assistant's log must hold no error or
traceback that mentions bitHuman, from start to shutdown.

Nothing here depends on how fast the machine is: the simulator's time moves
only when the test moves it, and every wait ends on what it waits for (its
timeout only ends a hang).
"""

from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bithuman_simulator.demo import DEMO_AGENTS
from devtools.bootstrap import BootstrapError, HomeAssistantApi
from devtools.ha_api import wait_until
from devtools.harness import Harness, bithuman_problems, run_sync
from devtools.instance import ProcessExitedError
from devtools.release_venv import ReleaseVenvError, ensure_release_venv

from .releases import releases

CONFIGURATION = Path(__file__).with_name("configuration.yaml")
GENERATION_SECONDS = 100.0  # simulator option: how long a generation takes
STATUS = "sensor.garden_guide_status"  # the demo agent that starts processing
STATE_TIMEOUT = 180.0


async def _follow_generation(harness: Harness, token: str) -> list[str]:
    """Move the clock through a generation; return the statuses seen in order."""
    seen: list[str] = []
    async with aiohttp.ClientSession() as session:
        api = HomeAssistantApi(session, harness.ha_url)
        api.access_token = token

        async def shows(wanted: str) -> None:
            async def probe() -> bool:
                states: dict[str, Any] = await api.states()
                state = states.get(STATUS, {}).get("state")
                if state is not None and (not seen or seen[-1] != state):
                    seen.append(state)
                return bool(state == wanted)

            await wait_until(
                probe,
                what=f"{STATUS} to show {wanted!r} (seen so far: {seen})",
                within=STATE_TIMEOUT,
                check=harness.check,
                interval=0.5,
            )

        await shows("processing")
        # 5% in: past the payment step (3%), in the persona step.
        await harness.advance_clock(GENERATION_SECONDS * 0.05)
        await shows("generating")
        await harness.advance_clock(GENERATION_SECONDS)
        await shows("ready")
    return seen


def _summary(text: str) -> str:
    """Return a record's first line, and its exception's line if it has one."""
    lines = text.splitlines()
    return lines[0] if len(lines) == 1 else f"{lines[0]} ... {lines[-1]}"


@pytest.mark.timeout(1800)
@pytest.mark.parametrize("spec", releases())
def test_bithuman_runs_on_release(spec: str, tmp_path: Path) -> None:
    try:
        venv = ensure_release_venv(spec, CONFIGURATION)
    except ReleaseVenvError as err:
        pytest.fail(
            f"Home Assistant {spec}: cannot build its environment: {err}", pytrace=False
        )
    harness = Harness(
        tmp_path,
        configuration=CONFIGURATION,
        python=venv.python,
        sim_args=["--generation-seconds", str(GENERATION_SECONDS)],
        http_storage=venv.stores_http_settings,
    )
    failure: str | None = None
    agents = 0
    seen: list[str] = []
    try:
        with harness:
            result = run_sync(harness.bootstrap())
            agents = result.agents
            if result.entry_problem is not None:
                failure = f"the bitHuman entry did not load ({result.entry_problem})"
            else:
                seen = run_sync(_follow_generation(harness, result.access_token or ""))
    except (BootstrapError, ProcessExitedError) as err:
        failure = str(err)
    # Checked after shutdown, so that unloading counts too.
    problems = bithuman_problems(harness.log_text())
    first = _summary(problems[0].text) if problems else "none"
    assert failure is None, f"{venv.release}: {failure}\nfirst bitHuman error: {first}"
    assert agents == len(DEMO_AGENTS)
    assert seen[0] == "processing"
    assert "generating" in seen
    assert seen[-1] == "ready"
    assert not problems, f"{venv.release}: {first}\n\n{problems[0].text}"
