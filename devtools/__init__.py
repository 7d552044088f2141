"""Development tools: a real Home Assistant with bitHuman against the simulator.

`scripts/develop` runs `python -m devtools.develop`; the end-to-end test in
`tests/e2e` drives the same pieces against a temporary config directory:

- `packages`: the few packages Home Assistant needs at run time that the test
  lock leaves out (its frontend first of all);
- `instance`: the config directory (integration link, HTTP settings) and the
  simulator and Home Assistant child processes;
- `bootstrap`: onboarding, login and the bitHuman config flow, all through
  Home Assistant's HTTP API.
"""
