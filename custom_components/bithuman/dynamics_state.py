"""The user-facing dynamics status derived from the API's dynamics record.

The API reports `status: ready` with `url: null` for an agent whose dynamics
were never generated, so the url, not the status, says whether there are
dynamics.
"""

from __future__ import annotations

from enum import StrEnum

from .api import Dynamics


class DynamicsState(StrEnum):
    """Dynamics status as shown by the Dynamics status sensor."""

    NOT_GENERATED = "not_generated"
    PROCESSING = "processing"
    GENERATING = "generating"
    READY = "ready"
    FAILED = "failed"


_IN_MOTION = {DynamicsState.PROCESSING, DynamicsState.GENERATING}


def dynamics_state(dynamics: Dynamics) -> DynamicsState | None:
    """Return the status to show, or None for a status this code does not know."""
    try:
        reported = DynamicsState(dynamics.status)
    except ValueError:
        return None
    if dynamics.has_dynamics or reported in _IN_MOTION:
        return reported
    if reported is DynamicsState.FAILED:
        return DynamicsState.FAILED
    return DynamicsState.NOT_GENERATED


def dynamics_in_motion(dynamics: Dynamics) -> bool:
    """Return True while a dynamics job is running for the agent."""
    return dynamics_state(dynamics) in _IN_MOTION
