"""End-to-end tests: real `hass` and simulator processes, driven over HTTP."""
