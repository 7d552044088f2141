"""Development tools: a real Home Assistant with bitHuman against the simulator.

`scripts/develop` runs `python -m devtools.develop`; the end-to-end, browser
and smoke tests drive the same pieces against temporary config directories:

- `ha_requirements`: what a real `hass --skip-pip` needs installed, read from
  Home Assistant's manifests (`scripts/lock` locks it as requirements_ha.txt);
- `config_dir`: the config directory (include files, integration link, HTTP
  settings);
- `instance`: the simulator and Home Assistant child processes, free ports;
- `ha_api`: the part of Home Assistant's HTTP/websocket API the tools use;
- `bootstrap`: onboarding, login and the bitHuman config flow through it;
- `browser`: finding and starting a headless Chromium for the browser tests;
- `release_venv`: a cached virtual environment of any Home Assistant release
  (the smoke test across releases).
"""
