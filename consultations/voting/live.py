"""Live tally pushes, coalesced to at most two a second per consultation.

Time is cut into half-second slots. The first change in a slot pushes at once (it claims
the slot in the cache); later changes in the same slot schedule one trailing push at the
start of the next slot, so that the last state always arrives. Slots and pending marks
live in the shared cache (Redis in production), so the limit holds across workers.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache import cache
from django.db import close_old_connections, connection

from carta.events import broadcast
from consultations.voting.events import TallyEvent, consultation_group
from consultations.voting.models import Consultation
from consultations.voting.results import consultation_results
from consultations.voting.selectors import prefetch_questions

logger = logging.getLogger(__name__)

SLOT_SECONDS = 0.5
# A trailing push that fails is tried again in the next slots, this many times in all.
TRAILING_ATTEMPTS = 3

# Per process: the slot of each consultation for which a trailing push is known to be
# scheduled (by this process or another). A change committed in that slot is covered by
# the trailing push, which reads the tally after the slot ends: no cache round trip.
_pending_slot: dict[int, int] = {}


def payload(consultation_id: int) -> TallyEvent | None:
    """What every subscriber may see: turnout, and the results where visible."""
    consultation = prefetch_questions(Consultation.objects.filter(pk=consultation_id)).first()
    if consultation is None:
        return None
    results = consultation_results(consultation)
    return {
        "type": "tally",
        "consultation": consultation_id,
        "status": results["status"],
        "turnout": [
            {
                "electorate": e["electorate"],
                "ballots": e["ballots"],
                "eligible": e["eligible"],
                "turnout_percent": e["turnout_percent"],
            }
            for e in results["electorates"]
        ],
        "results": results if results["tally_visible"] else None,
    }


# Per process: the last payload of each consultation and when it was computed, handed to
# new subscribers for up to half a second instead of computing the results for each of
# them (a thousand pages opening together would otherwise queue past the handshake
# timeout). Every subscriber may see the same payload, so sharing it reveals nothing. A
# push by any worker since then (its time is in the shared cache) makes it stale at once,
# so that a subscriber who joined after that push is not left with older figures.
_snapshots: dict[int, tuple[float, TallyEvent | None]] = {}


def snapshot(consultation_id: int) -> TallyEvent | None:
    """The payload for a new subscriber: no older than half a second or the last push."""
    cached = _snapshots.get(consultation_id)
    if cached is not None and time.time() - cached[0] < SLOT_SECONDS:
        pushed = cache.get(f"voting:pushed:{consultation_id}")
        if pushed is None or pushed <= cached[0]:
            return cached[1]
    started = time.time()
    event = payload(consultation_id)
    if len(_snapshots) > 256:
        _snapshots.clear()
    _snapshots[consultation_id] = (started, event)
    return event


def push(consultation_id: int) -> None:
    started = time.time()
    event = payload(consultation_id)
    if event is not None:
        _snapshots[consultation_id] = (started, event)
        cache.set(f"voting:pushed:{consultation_id}", started, timeout=3600)
        broadcast(consultation_group(consultation_id), dict(event))


def _slot(now: float) -> int:
    return int(now / SLOT_SECONDS)


def tally_changed(consultation_id: int, *, force: bool = False) -> None:
    """Called on commit after a ballot: push now, or once at the next slot."""
    now = time.time()
    slot = _slot(now)
    if not force and _pending_slot.get(consultation_id) == slot:
        return
    if force or cache.add(f"voting:push:{consultation_id}:{slot}", 1, timeout=5):
        push(consultation_id)
        return
    if cache.add(f"voting:pending:{consultation_id}:{slot}", 1, timeout=5):
        _schedule_trailing(consultation_id, slot + 1, 1)
    # Pending in this slot, whoever scheduled it (an add that failed means someone did).
    _pending_slot[consultation_id] = slot


def _schedule_trailing(consultation_id: int, slot: int, attempt: int) -> None:
    delay = max(0.0, slot * SLOT_SECONDS - time.time())
    timer = threading.Timer(delay, _trailing, args=(consultation_id, slot, attempt))
    timer.daemon = True
    timer.start()


def _trailing(consultation_id: int, slot: int, attempt: int = 1) -> None:
    try:
        close_old_connections()
        if cache.add(f"voting:push:{consultation_id}:{slot}", 1, timeout=5):
            push(consultation_id)
        elif cache.add(f"voting:pending:{consultation_id}:{slot}", 1, timeout=5):
            # Someone pushed in this slot already, possibly before the last change
            # committed: try once more in the next slot.
            _schedule_trailing(consultation_id, slot + 1, attempt)
    except Exception:  # noqa: BLE001 - tried again below, then left to the next ballot
        logger.warning("trailing tally push failed for %s", consultation_id, exc_info=True)
        # The last ballot of a burst is announced by this push alone: try again in the
        # next slots rather than leave the pages on an older tally.
        if attempt < TRAILING_ATTEMPTS:
            _schedule_trailing(consultation_id, slot + 1, attempt + 1)
    finally:
        connection.close()
