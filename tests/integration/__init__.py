"""Home Assistant tests of the bitHuman integration."""
