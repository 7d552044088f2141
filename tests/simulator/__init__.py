"""Tests of the bitHuman API simulator."""
