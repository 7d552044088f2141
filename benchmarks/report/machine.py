"""Where the benchmarks ran: CPUs, Python, Home Assistant, the system."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
import os
from pathlib import Path
import platform


@dataclass(frozen=True, slots=True)
class Machine:
    """Where the benchmarks ran."""

    cpus: int
    cpu_model: str
    python: str
    home_assistant: str
    system: str

    @classmethod
    def here(cls) -> Machine:
        """Describe this machine."""
        return cls(
            cpus=os.process_cpu_count() or 0,
            cpu_model=_cpu_model(),
            python=platform.python_version(),
            home_assistant=metadata.version("homeassistant"),
            system=f"{platform.system()} {platform.release()} {platform.machine()}",
        )


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"
