"""Benchmarks of the bitHuman integration against the bitHuman API simulator.

Run them with `scripts/bench` (or `python -m benchmarks`): each figure is
measured by a pytest session over `benchmarks/bench_*.py` with Home Assistant
set up for real, the integration talking HTTP to the simulator, beside a
baseline measured in the same run (a naive poller, the bare API call, polling
without push); the results are printed as tables and written to
BENCHMARKS.md by `benchmarks.report`.

- `bench_budget`: requests an hour (no session live, one live, a generation).
- `bench_sessions`: a session started or ended outside -> the Live sensor.
- `bench_push`: a generation's end -> Status `ready`, webhook against polling.
- `bench_latency`: agent and dynamics changes -> their entities.
- `bench_card`: the card's Start (`bithuman/embed_token`) against the bare mint.
- `bench_voice`: announce and TTS against the bare speak and TTS requests.
- `bench_setup`, `bench_overhead`: setup scale, loop stalls, action overhead.
"""
