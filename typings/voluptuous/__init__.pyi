# Home Assistant (2026.10+) installs probatio under the name `voluptuous` when
# `homeassistant` is imported, so integration code that writes
# `import voluptuous as vol` really gets probatio. This stub tells mypy so.
from probatio import *  # noqa: F403
