"""Tests of the bitHuman API client package."""
