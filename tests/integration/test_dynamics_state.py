"""The Dynamics status shown for each record the API can return."""

from __future__ import annotations

import pytest

from custom_components.bithuman.api import Dynamics
from custom_components.bithuman.dynamics_state import (
    DynamicsState,
    dynamics_in_motion,
    dynamics_state,
)

URL = "https://assets.example/model.imx"


@pytest.mark.parametrize(
    ("status", "url", "shown", "in_motion"),
    [
        # Never generated: the API says ready, with no url.
        ("ready", None, DynamicsState.NOT_GENERATED, False),
        ("ready", URL, DynamicsState.READY, False),
        ("processing", None, DynamicsState.PROCESSING, True),
        ("generating", None, DynamicsState.GENERATING, True),
        # Regenerating after the switch was used: the old model stays usable.
        ("generating", URL, DynamicsState.GENERATING, True),
        ("failed", None, DynamicsState.FAILED, False),
        ("failed", URL, DynamicsState.FAILED, False),
        ("archived", URL, None, False),
    ],
)
def test_dynamics_state(
    status: str, url: str | None, shown: DynamicsState | None, in_motion: bool
) -> None:
    """Status and url together decide what the Dynamics status sensor shows."""
    dynamics = Dynamics.model_validate(
        {"agent_id": "A1", "status": status, "url": url, "gestures": {}}
    )
    assert dynamics_state(dynamics) == shown
    assert dynamics_in_motion(dynamics) is in_motion
