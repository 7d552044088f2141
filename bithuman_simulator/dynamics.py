"""Gesture dynamics: generation and regeneration jobs, computed from the clock.

Dynamics that were never generated read `status: "ready"` with `url: null` and
no gestures — the documented quirk that makes `url`, not `status`, the
has-dynamics signal. A generation shows `processing`, then `generating`, then
`ready` with a model `url` and one video per gesture (or `failed`). A `PUT`
on generated dynamics starts a regeneration: `generating` again for a while,
keeping `url` and gestures, then `ready`.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .json_types import JSONObject

ASSETS_BASE = "https://assets.bithuman.ai"
SEED_GESTURES: tuple[str, ...] = (
    "mini_wave_hello",
    "talk_head_nod_subtle",
    "blow_kiss_heart",
    "laugh_react",
    "idle_subtle",
)
DEFAULT_GESTURES: tuple[str, ...] = (
    *SEED_GESTURES,
    "thumbs_up_approve",
    "shrug_unsure",
    "clap_celebrate",
)
PROCESSING_SHARE = 0.05
DEFAULT_DYNAMICS_ERROR = "Gesture video generation failed"

type JobKind = Literal["generate", "regenerate"]


def asset_url(code: str, stem: str, at: float, extension: str) -> str:
    """Return a storage URL shaped like bitHuman's, stamped with `at`."""
    moment = datetime.fromtimestamp(at, UTC)
    stamp = f"{moment:%Y%m%d_%H%M%S}_{moment.microsecond:06d}"
    return f"{ASSETS_BASE}/{code}/{stem}_{stamp}.{extension}"


def gesture_urls(code: str, names: list[str], at: float) -> dict[str, str]:
    """Return the gesture map a generation finishing at `at` produces."""
    return {name: asset_url(code, name, at, "mp4") for name in names}


@dataclass(frozen=True, slots=True)
class DynamicsJob:
    """A running generation or regeneration."""

    kind: JobKind
    started_at: float
    duration: float
    error_message: str | None = None
    charged: int = 0
    idempotency_key: str | None = None

    @property
    def ends_at(self) -> float:
        """Return when the job finishes."""
        return self.started_at + self.duration

    def status_at(self, now: float) -> str:
        """Return the status the job shows at `now` while it runs."""
        if self.kind == "generate" and now < (
            self.started_at + PROCESSING_SHARE * self.duration
        ):
            return "processing"
        return "generating"


@dataclass(slots=True)
class DynamicsRecord:
    """An agent's dynamics: merged config, produced model and gestures, job."""

    gesture_names: list[str] = field(default_factory=lambda: list(DEFAULT_GESTURES))
    config: JSONObject = field(default_factory=dict)
    toggle_enabled: bool | None = None
    url: str | None = None
    gestures: dict[str, str] = field(default_factory=dict)
    status: str = "ready"
    error_message: str | None = None
    job: DynamicsJob | None = None
    regeneration_error: str | None = None

    @property
    def enabled(self) -> bool:
        """Tell whether the merged config has dynamics enabled."""
        return self.config.get("enabled") is True

    def status_at(self, now: float) -> str:
        """Return the status `GET /v1/dynamics` reports at `now`."""
        if self.job is not None and now < self.job.ends_at:
            return self.job.status_at(now)
        return self.status

    def finish(self, code: str, job: DynamicsJob) -> bool:
        """Apply a finished job's outcome; return whether it succeeded."""
        self.job = None
        if job.error_message is not None:
            self.status = "failed"
            self.error_message = job.error_message
            return False
        self.status = "ready"
        self.error_message = None
        if job.kind == "generate":
            self.url = asset_url(code, "dynamics", job.ends_at, "imx")
            self.gestures = gesture_urls(code, self.gesture_names, job.ends_at)
        return True
