"""A free local TCP port for a server a test starts, outside the kernel's ephemeral range.

Why not bind port 0 and hand the number on: between closing that probe socket and the
server binding the port, any outgoing connection (the bot's own HTTP client talks to the
fake Bot API all the time) may be given the same ephemeral port, and the server then
fails with "address already in use". Ports below the ephemeral range are never handed
out to outgoing connections, so only another listener could take one.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
FALLBACK_FLOOR = 32768  # Linux's default start of the ephemeral range
LOWEST = 20000  # above the well-known and most registered service ports


def _ephemeral_floor() -> int:
    try:
        return int(EPHEMERAL_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return FALLBACK_FLOOR


def free_port() -> int:
    """A port on 127.0.0.1 that is free now and that no outgoing connection will take."""
    highest = _ephemeral_floor() - 1
    rng = random.SystemRandom()
    for _ in range(200):
        port = rng.randint(LOWEST, highest) if highest > LOWEST else 0
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise RuntimeError(f"no free port between {LOWEST} and {highest}")
