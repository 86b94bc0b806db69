"""Stopping a build: SIGINT and SIGTERM alike end it as a whole, never halfway through a section's move.

The build process raises :class:`Interrupted`; a worker process ends its kernel and exits (the action
it sets in ``_STOP``). A stop that arrives while a section's outputs are moved into place waits for the
move's end (:func:`_whole`).
"""

from __future__ import annotations

from contextlib import contextmanager


class Interrupted(KeyboardInterrupt):
    """The build was asked to stop: Ctrl-C (SIGINT) or SIGTERM (``timeout``, a CI cancel, ``kill PID``).

    A ``KeyboardInterrupt``, so whoever handles Ctrl-C handles SIGTERM the same way;
    ``exit_code`` is the shell's convention (130 for SIGINT, 143 for SIGTERM).
    """

    def __init__(self, signum: int):
        super().__init__(f"stopped by signal {signum}")
        self.signum = signum
        self.exit_code = 128 + signum


# What this process does when asked to stop: the build raises Interrupted, a worker ends its kernel and
# exits. "deferred" > 0 while a section's outputs are being moved into place: the stop waits for the move's
# end, so a section's files are all new or all old, never a mix.
_STOP: dict = {"action": None, "deferred": 0, "pending": None}


def _on_signal(signum, frame) -> None:
    if _STOP["deferred"]:
        _STOP["pending"] = signum
    elif _STOP["action"] is not None:
        _STOP["action"](signum)


def _raise_interrupted(signum: int) -> None:
    raise Interrupted(signum)


@contextmanager
def _whole():
    """Hold a stop request until the enclosed moves are done."""
    _STOP["deferred"] += 1
    try:
        yield
    finally:
        _STOP["deferred"] -= 1
    if not _STOP["deferred"] and _STOP["pending"] is not None:
        signum, _STOP["pending"] = _STOP["pending"], None
        _on_signal(signum, None)


@contextmanager
def _stop_on_signals():
    """SIGINT and SIGTERM raise :class:`Interrupted` in the main thread while the build runs."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    _STOP.update(action=_raise_interrupted, deferred=0, pending=None)
    for sig, handler in previous.items():
        if handler is not signal.SIG_IGN:  # `nohup`, or `&` in a script, ignore SIGINT on purpose
            signal.signal(sig, _on_signal)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        _STOP.update(action=None, pending=None)
