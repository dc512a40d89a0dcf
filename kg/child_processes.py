"""What every child process pingan-kg starts does first: die with its parent.

A build's workers and `kg sparql`'s query process run work the parent asked for and nobody else reads; when the
parent is killed (SIGKILL gives it no chance to stop them) they would read on for minutes, hold what the parent
held, and keep its pipes open.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

__all__ = ["die_with_parent", "libc"]

PR_SET_PDEATHSIG = 1


def libc() -> Any:
    import ctypes

    return ctypes.CDLL(None, use_errno=True)


def die_with_parent(parent: int) -> None:
    """Ask Linux to send SIGKILL to this process when its parent dies (prctl PR_SET_PDEATHSIG), then make sure
    the parent ``parent`` has not died already; elsewhere a child finds its parent gone when it next talks to it."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc().prctl(PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGKILL))
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
