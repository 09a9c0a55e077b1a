"""The personal area (``/area-personale/``): where a person lands after signing in.

The core cannot import the apps, so each app registers what it has to show when it
starts (its ``personal_area.py``, called from its ``AppConfig.ready``):

* ``register_section``: a block of the page (the person's organizations, proposals,
  comments on the Carta, ballots, complaints), built by a function of the person that
  returns the template's context, or ``None`` when the app has nothing for them;
* ``register_awaiting``: what awaits the person, each item tied to one of their
  organizations or to none (an invitation to accept, a pact to renew, a proposal sent
  back for changes); the organizations' section shows them next to each organization.

Every builder reads a fixed number of queries and only the latest ``LIMIT`` items, with
the address of the full list: the page costs the same whatever a person has done. This
registry is not the GDPR export's (``carta.privacy``): that one gathers all of a person's
data, this one a short, current view of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

LIMIT = 5


@dataclass(frozen=True)
class Section:
    key: str
    title: str | Promise
    template: str
    build: Callable  # (user, limit) -> dict | None
    order: int = 100


@dataclass(frozen=True)
class Awaiting:
    """One thing that awaits the person; ``organization_id`` None for a personal one."""

    text: str
    url: str
    organization_id: int | None = None


_sections: dict[str, Section] = {}
_awaiting: dict[str, Callable] = {}


def register_section(
    key: str, *, title: str | Promise, template: str, build: Callable, order: int = 100
) -> None:
    """``build(user, limit)`` returns the context of ``template`` (a dict) or None."""
    _sections[key] = Section(key, title, template, build, order)


def register_awaiting(key: str, build: Callable) -> None:
    """``build(user)`` returns a list of ``Awaiting`` (a fixed number of queries)."""
    _awaiting[key] = build


def sections_for(user, *, limit: int | None = LIMIT, only: str = "") -> list[dict]:
    """The registered sections with something for the person, in order, each
    ``{"key", "title", "template", "context"}``; ``limit`` None for the full lists,
    ``only`` for one section."""
    shown = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.key)):
        if only and section.key != only:
            continue
        context = section.build(user, limit)
        if context is None:
            continue
        shown.append(
            {
                "key": section.key,
                "title": section.title,
                "template": section.template,
                "context": context,
            }
        )
    return shown


def awaiting_for(user) -> dict[int | None, list[Awaiting]]:
    """What awaits the person, by organization id (``None``: not tied to one)."""
    items: dict[int | None, list[Awaiting]] = {}
    for key in sorted(_awaiting):
        for item in _awaiting[key](user):
            items.setdefault(item.organization_id, []).append(item)
    return items
