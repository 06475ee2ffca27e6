"""What a process that runs SPARQL may reach: no network at all (a network namespace of its
own) and a capped amount of memory. Decided by the kernel, not by reading the query. Each is
called in the process itself, right after it starts: the server's query workers
(:mod:`turkestan_kg.web.sandbox`) take both, and a query that calls SERVICE
(:mod:`turkestan_kg.dataset.service`) the memory cap.
"""

from __future__ import annotations

import ctypes
import os

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


def limit_memory(limit: int) -> bool:
    """Cap this process's data (heap and private mappings) at ``limit`` bytes: an allocation
    past it fails, which ends the process. True if the limit was set (POSIX only)."""
    try:
        import resource
    except ImportError:
        return False
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    except (ValueError, OSError):
        return False
    return True


def isolate() -> bool:
    """Take this process off every network (a network namespace of its own with nothing in
    it: not even the host's loopback). True if that worked; Linux only, as root or where
    unprivileged user namespaces are allowed."""
    if not hasattr(os, "fork") or not os.path.exists("/proc/self/ns/net"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return any(libc.unshare(flags) == 0 for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET))


PR_SET_PDEATHSIG = 1


def die_with_parent() -> bool:
    """Have the kernel end this process when the process that started it ends (killed or
    not), so that no child outlives its caller. True if that was set (Linux only)."""
    import signal

    if not os.path.exists("/proc/self"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return bool(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL) == 0)
