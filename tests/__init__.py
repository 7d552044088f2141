"""Tests of the bitHuman integration, its API client and simulator."""
