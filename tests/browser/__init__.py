"""Browser tests: Home Assistant's real frontend in a headless Chromium."""
