"""What the home page shows alive: blocks the apps register (open consultations and the
Carta's consultation phase, recent proposals, the latest figures of the commitments).

carta cannot import the apps, so each app registers its block from its ``AppConfig.ready``
with ``register_block``: a template of its own and a function of the request that returns
the block's context, already filtered by who is asking, or ``None`` when there is nothing
to show. Each block costs a fixed number of queries, whatever the data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Block:
    key: str
    order: int
    template: str
    context: Callable


_blocks: dict[str, Block] = {}


def register_block(key: str, *, order: int, template: str, context: Callable) -> None:
    """Register (or replace) the home page's block ``key``; blocks show by ``order``."""
    _blocks[key] = Block(key=key, order=order, template=template, context=context)


def blocks(request) -> list[dict]:
    """The blocks with something to show, in order, each with its template and context."""
    shown = []
    for block in sorted(_blocks.values(), key=lambda b: (b.order, b.key)):
        context = block.context(request)
        if context:
            shown.append({"key": block.key, "template": block.template, **context})
    return shown
