"""Clean exits for long commands: SIGTERM and SIGHUP end them like Ctrl-C does.

Python's default reaction to SIGTERM (``kill``, systemd stopping a unit, a container shutting
down) is to die on the spot, without running ``finally`` blocks or ``with`` exits: a killed
backup left its temporary ``data.json`` (password hashes) behind. Inside
:func:`berhenti_dengan_rapi` those signals raise ``SystemExit`` in the main thread instead, so
every cleanup runs. (SIGKILL cannot be caught: code that must survive it writes no secret
outside its target file at all.)
"""

from __future__ import annotations

import contextlib
import signal
import threading

_SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None))
                 if s is not None)


def _raise(signum, frame):
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def berhenti_dengan_rapi():
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, _raise) for s in _SIGNALS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
