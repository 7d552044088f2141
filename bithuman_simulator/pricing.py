"""Avatar models: which names are accepted, what they cost, what they unlock."""

import re

from .errors import ApiError, validation_error

AGENT_MODEL_CHOICES: tuple[str, ...] = (
    "auto",
    "essence",
    "essence-1",
    "essence-2",
    "essence-2-max",
    "expression",
    "expression-1",
    "expression-2",
)
RETIRED_MODEL_HINTS: dict[str, str] = {
    "essence-2-light": (
        "'essence-2-light' was consolidated into 'essence-2' (2026-07-05); "
        "send model 'essence-2'"
    ),
    "essence-2-quality": (
        "'essence-2-quality' was renamed 'essence-2-max' (removed 2026-07-29); "
        "send model 'essence-2'"
    ),
}
ENGINE_COST: dict[str, int] = {
    "essence-1": 250,
    "expression-1": 250,
    "essence-2": 500,
    "expression-2": 2000,
}
DYNAMICS_COST = 250
DEFAULT_ENGINE = "expression-1"

_STYLIZED = re.compile(
    r"(?<![a-z])(cartoon|anime|animal|creature|robot|mascot|dragon|monster"
    r"|stylized|cat|dog)s?(?![a-z])"
)

EMBED_MODEL_FAMILIES: dict[str, str] = {
    "essence-1": "essence-1",
    "expression-1": "expression-1",
    "essence-2": "essence-2",
    "essence-2-gpu": "essence-2",
    "essence-2-ane": "essence-2",
    "essence-2-cpu": "essence-2",
    "essence-2-light": "essence-2",
    "essence-2-light-ane": "essence-2",
    "essence-2-light-gpu": "essence-2",
    "essence-2-light-cpu": "essence-2",
    "essence-2-max": "essence-2-max",
    "expression-2": "expression-2",
    "expression-2-gpu": "expression-2",
    "expression-2-cpu": "expression-2",
    "expression-2-ane": "expression-2",
}


def looks_stylized(text: str) -> bool:
    """Stand in for bitHuman's subject classifier with a keyword check."""
    return _STYLIZED.search(text.lower()) is not None


def resolve_engine(model: str | None, version: str | None, subject: str) -> str:
    """Return the engine a generate request selects, or raise the 400/422.

    `subject` is the image URL when one is given, else the prompt: what the
    real classifier looks at for `auto` and for the Essence 2 subject gate.
    """
    if version not in {None, "v1", "v2"}:
        raise validation_error(f"Invalid version '{version}'; must be one of: v1, v2")
    if model is None:
        model = "expression"
    if model in RETIRED_MODEL_HINTS:
        raise validation_error(RETIRED_MODEL_HINTS[model])
    if model not in AGENT_MODEL_CHOICES:
        raise validation_error(
            f"Invalid model '{model}'; must be one of: {', '.join(AGENT_MODEL_CHOICES)}"
        )
    if model == "auto":
        return "expression-2" if looks_stylized(subject) else "essence-2"
    if model in {"expression", "essence"}:
        return f"{model}-2" if version == "v2" else f"{model}-1"
    engine = "essence-2" if model == "essence-2-max" else model
    if engine == "essence-2" and looks_stylized(subject):
        raise ApiError(
            422,
            "MODEL_SUBJECT_MISMATCH",
            f"{model} requires a photorealistic human subject; this input looks "
            "like a cartoon — use expression-2",
        )
    return engine


def supported_models(engine: str) -> list[str]:
    """Return the model families a ready agent built with `engine` can run as."""
    if engine == "essence-2":
        return ["essence-2", "essence-2-max"]
    return [engine]


def embed_family(model: str) -> str:
    """Fold an embed-token `model` value onto its family, or raise the 400."""
    family = EMBED_MODEL_FAMILIES.get(model)
    if family is None:
        accepted = ", ".join(sorted(EMBED_MODEL_FAMILIES))
        raise validation_error(f"Invalid model '{model}'; must be one of: {accepted}")
    return family
