"""The agent-generation state machine, computed from the clock.

A generation is a plan (when it started, how long it takes, whether and where
it fails); its visible state at any instant is a pure function of the plan and
the time, so advancing a manual clock is all it takes to move an agent along:

    processing -> generating -> completed -> generating -> success -> ...
    ... -> generating -> completed -> ready   (or failed at any point)

`completed` and `success` are intermediate markers, exactly as the bitHuman docs
warn; only `ready` and `failed` are terminal (or `success` with progress 1.0,
which `final_status="success"` reproduces for historical rows).
"""

from dataclasses import dataclass

DEFAULT_GENERATION_ERROR = (
    "Image processing failed: Failed to download after 3 attempts: 404"
)


@dataclass(frozen=True, slots=True)
class Phase:
    """One stretch of the pipeline, from `start` (a fraction of the run) on."""

    start: float
    status: str
    step: str
    progress_from: float
    progress_to: float
    message: str
    event: str


PHASES: tuple[Phase, ...] = (
    Phase(0.00, "processing", "payment", 0.02, 0.02, "Credits reserved", "queued"),
    Phase(0.03, "generating", "persona", 0.05, 0.15, "Preparing persona", "persona"),
    Phase(0.10, "completed", "persona", 0.15, 0.15, "Persona ready", "persona_done"),
    Phase(
        0.13,
        "generating",
        "voice_image",
        0.15,
        0.20,
        "Generating voice and portrait",
        "voice_image",
    ),
    Phase(
        0.22,
        "success",
        "voice_image",
        0.20,
        0.20,
        "Voice and portrait ready",
        "image_created",
    ),
    Phase(
        0.27, "generating", "video", 0.20, 0.45, "Generating identity video", "video"
    ),
    Phase(0.45, "success", "video", 0.45, 0.45, "Identity video ready", "video_done"),
    Phase(
        0.50, "generating", "lip_sync", 0.70, 0.99, "Building avatar model", "lip_sync"
    ),
    Phase(0.95, "completed", "lip_sync", 0.99, 0.99, "Finalizing", "lip_sync_done"),
)
FINAL = Phase(1.0, "ready", "done", 1.0, 1.0, "Complete", "lip_created")


@dataclass(frozen=True, slots=True)
class GenerationPlan:
    """When a generation started, how long it runs and how it ends."""

    started_at: float
    duration: float
    fail_at: float | None = None
    error_message: str = DEFAULT_GENERATION_ERROR
    final_status: str = "ready"

    @property
    def ends_at(self) -> float:
        """Return when the run ends, successfully or not."""
        fraction = 1.0 if self.fail_at is None else self.fail_at
        return self.started_at + fraction * self.duration

    def failed_by(self, now: float) -> bool:
        """Tell whether the run has failed by `now`."""
        return self.fail_at is not None and now >= self.ends_at


@dataclass(frozen=True, slots=True)
class GenerationSnapshot:
    """What the status endpoint reports at one instant."""

    status: str
    progress: float
    current_step: str
    progress_msg: str
    event_type: str
    error_message: str | None
    since: float

    @property
    def terminal(self) -> bool:
        """Tell whether the run is over."""
        return self.status in {"ready", "failed"} or (
            self.status == "success" and self.progress == 1.0
        )


def _phase_at(fraction: float) -> tuple[Phase, float]:
    """Return the phase running at `fraction` (below 1) of the run and its end."""
    ends = (*(phase.start for phase in PHASES[1:]), FINAL.start)
    return next(
        (
            (phase, end)
            for phase, end in zip(PHASES, ends, strict=True)
            if fraction < end
        ),
        (PHASES[-1], FINAL.start),
    )


def _progress(phase: Phase, end: float, fraction: float) -> float:
    """Interpolate the progress inside a phase."""
    share = (fraction - phase.start) / (end - phase.start)
    value = phase.progress_from + share * (phase.progress_to - phase.progress_from)
    return round(value, 4)


def snapshot(plan: GenerationPlan, now: float) -> GenerationSnapshot:
    """Return the generation's visible state at `now`."""
    duration = max(plan.duration, 1e-9)
    fraction = max(0.0, (now - plan.started_at) / duration)
    if plan.fail_at is not None and fraction >= plan.fail_at:
        phase, end = _phase_at(plan.fail_at)
        return GenerationSnapshot(
            status="failed",
            progress=_progress(phase, end, plan.fail_at),
            current_step=phase.step,
            progress_msg="Failed",
            event_type="generation_failed",
            error_message=plan.error_message,
            since=plan.ends_at,
        )
    if fraction >= 1.0:
        return GenerationSnapshot(
            status=plan.final_status,
            progress=1.0,
            current_step=FINAL.step,
            progress_msg=FINAL.message,
            event_type=FINAL.event,
            error_message=None,
            since=plan.ends_at,
        )
    phase, end = _phase_at(fraction)
    return GenerationSnapshot(
        status=phase.status,
        progress=_progress(phase, end, fraction),
        current_step=phase.step,
        progress_msg=phase.message,
        event_type=phase.event,
        error_message=None,
        since=plan.started_at + phase.start * duration,
    )


def start_for_status(status: str, now: float, duration: float) -> float:
    """Return a start time that makes a run show `status` at `now`.

    `ready` and `failed` runs start one whole run ago; an intermediate status
    starts the run just inside the first phase that reports it.
    """
    for index, phase in enumerate(PHASES):
        if phase.status == status:
            end = PHASES[index + 1].start
            return now - (phase.start + end) / 2 * duration
    if status in {"ready", "failed"}:
        return now - duration
    raise ValueError(f"unknown agent status: {status}")
