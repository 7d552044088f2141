"""Reproducible identifiers: user ids, agent codes, secrets, session ids.

Everything comes from random streams seeded by the simulator's `seed`, so two
simulators built alike hand out the same ids. The first stream (`rng`) keeps
the order it always had (user ids, agent codes, voice ids, webhook ids and
secrets), so adding features never shifts those; sessions, deliveries and
events draw from a second stream.
"""

from collections.abc import Container
import random
import string
import uuid


class IdSource:
    """Hands out ids from seeded random streams."""

    def __init__(self, seed: int) -> None:
        """Seed both streams from `seed`."""
        self.rng = random.Random(seed)
        self._extra = random.Random(f"{seed}:extra")

    def uuid(self) -> str:
        """Return a UUID4 from the first stream."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def hex(self, bits: int) -> str:
        """Return `bits` random bits from the first stream, as hex digits."""
        return f"{self.rng.getrandbits(bits):0{bits // 4}x}"

    def extra_uuid(self) -> str:
        """Return a UUID4 from the second stream."""
        return str(uuid.UUID(int=self._extra.getrandbits(128), version=4))

    def extra_hex(self, bits: int) -> str:
        """Return `bits` random bits from the second stream, as hex digits."""
        return f"{self._extra.getrandbits(bits):0{bits // 4}x}"

    def agent_code(self, taken: Container[str] = ()) -> str:
        """Return a fresh agent code (shaped like `A91XMB7113`) not in `taken`."""
        while (code := new_agent_code(self.rng)) in taken:
            pass
        return code


def new_agent_code(rng: random.Random) -> str:
    """Return an agent code shaped like `A91XMB7113`, drawn from `rng`."""
    digits = "".join(rng.choices(string.digits, k=2))
    letters = "".join(rng.choices(string.ascii_uppercase, k=3))
    tail = "".join(rng.choices(string.digits, k=4))
    return f"A{digits}{letters}{tail}"
