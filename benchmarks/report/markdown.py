"""Markdown pieces of the report: tables, number formats, verdicts."""

from __future__ import annotations

from dataclasses import dataclass
import statistics
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..results import Record

type Sections = dict[str, list["Record"]]
type Row = list[str]

NONE = "-"


def table(header: Row, rows: list[Row]) -> str:
    """Render a Markdown table (readable as plain text too)."""
    widths = [
        max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)
    ]

    def line(cells: Row) -> str:
        return (
            "| "
            + " | ".join(
                cell.ljust(width) for cell, width in zip(cells, widths, strict=True)
            )
            + " |"
        )

    rule = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


def ms(seconds: float) -> str:
    """Format seconds as milliseconds, one decimal."""
    return f"{seconds * 1000:.1f} ms"


def us(seconds: float) -> str:
    """Format seconds as whole microseconds."""
    return f"{seconds * 1e6:.0f} µs"


def short(value: float) -> str:
    """Format seconds with at most two decimals."""
    return f"{round(value, 2):g}"


def trials(values: Sequence[float]) -> str:
    """Format trial values, comma-separated."""
    return ", ".join(short(value) for value in values)


def mid(values: Sequence[float]) -> float:
    """Return the median."""
    return statistics.median(values)


def yes(met: bool | None) -> str:
    """Return the Met column's cell."""
    if met is None:
        return "not run"
    return "yes" if met else "**NO**"


@dataclass(slots=True)
class Verdict:
    """One target: what was measured, beside the run's baseline; met or not."""

    figure: str
    target: str
    measured: str
    met: bool | None
    baseline: str = NONE
    # Which explanation in `missed.EXPLANATIONS` applies when it is missed.
    note: str = ""


def section(title: str, *parts: str) -> str:
    """Return a level-2 section of the report: its title, then its parts."""
    return "\n\n".join([f"## {title}", *(part for part in parts if part)])
