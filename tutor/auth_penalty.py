"""Failed logins remembered per client address, across connections (Dovecot's auth penalty).

The TCP adapter already slows a guesser down within one connection and closes it after a few
failures; without a memory per address, a guesser would simply reconnect and start again with no
delay. So every listener of one `serve` shares an `AuthPenalties`: each failed login raises the
address's count, every later login attempt from that address (right or wrong, so that a fast
answer does not give a right guess away) waits for a delay that grows with the count, and the
count is forgotten after a quiet spell with no failure, or once a login from there succeeds.
The table is bounded: when full, the address that failed longest ago is forgotten first.

Pure bookkeeping: no asyncio, no sockets; the clock is a parameter so tests need no sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: seconds without a failed login after which an address's failures are forgotten
DEFAULT_PENALTY_MEMORY = 600.0
#: addresses remembered at most (a flood of spoofed-looking peers cannot grow the table)
DEFAULT_MAX_ADDRESSES = 10_000


class AuthPenalties:
    """Failed-login counts by client IP, each forgotten `memory` seconds after its last failure."""

    def __init__(
        self,
        memory: float = DEFAULT_PENALTY_MEMORY,
        max_addresses: int = DEFAULT_MAX_ADDRESSES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.memory = memory
        self.max_addresses = max_addresses
        self._clock = clock
        # ip -> (failures, time of the last one); oldest last-failure first (dict order)
        self._failures: dict[str, tuple[int, float]] = {}

    def failures(self, ip: str) -> int:
        """Failed logins from `ip` that are still remembered (0 for a stranger)."""
        entry = self._failures.get(ip)
        if entry is None:
            return 0
        count, last = entry
        if self._clock() - last >= self.memory:
            del self._failures[ip]
            return 0
        return count

    def record_failure(self, ip: str) -> int:
        """Count one more failed login from `ip`; returns its remembered failures, this one in."""
        count = self.failures(ip) + 1
        self._failures.pop(ip, None)  # re-inserted last: the table stays ordered by last failure
        self._failures[ip] = (count, self._clock())
        while len(self._failures) > self.max_addresses:
            del self._failures[next(iter(self._failures))]
        return count

    def forgive(self, ip: str) -> None:
        """A right password from `ip`: its failures are forgotten (as Dovecot does), so one
        mistyped password does not slow every later login for the rest of the quiet spell."""
        self._failures.pop(ip, None)

    def __len__(self) -> int:
        return len(self._failures)
