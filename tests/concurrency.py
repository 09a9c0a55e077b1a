"""Running calls at the same instant, for the concurrency tests (PostgreSQL).

``run_together(calls)`` starts one thread per call, holds them at a barrier and releases
them together, so that the calls really race for the same rows; each thread closes its
database connection when done. The outcome of a call is what it returns ("done" for
None), the ``code`` of
a ``carta.errors.Conflict`` it raises, or the ``repr`` of any other error, so that a test
can count them: ``outcomes.count("adopted") == 1``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from django.db import connection

from carta.errors import Conflict


def run_together(calls: Sequence[Callable[[], object]], *, timeout: float = 60) -> list:
    barrier = threading.Barrier(len(calls))
    outcomes: list = []
    lock = threading.Lock()

    def attempt(call):
        try:
            barrier.wait(timeout=timeout / 2)
            outcome = call()
            outcome = "done" if outcome is None else outcome
        except Conflict as error:
            outcome = error.code
        except Exception as error:  # noqa: BLE001 - reported as the outcome
            outcome = repr(error)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=attempt, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return outcomes
