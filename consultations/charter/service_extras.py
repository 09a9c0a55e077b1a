"""What apps above the Carta add to a service's page: the feedback app's buttons to
evaluate the service or file a complaint about it, its commitments' latest results and
its open improvement actions.

The Carta cannot import those apps (they sit above it), so, like the readiness of a
revision (``readiness.register_open_items``), each registers a provider in its
``AppConfig.ready``. A provider receives the request and the ``Service`` and returns an
HTML fragment (already escaped: rendered from a template), or "" to add nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from consultations.charter.models import Service

Provider = Callable[[HttpRequest, Service], str]

# name -> provider; keyed by name so that a second ``ready()`` replaces, not duplicates.
_providers: dict[str, Provider] = {}


def register_service_extras(name: str, provider: Provider | None) -> None:
    """Make ``provider`` add its fragment to every service page; ``None`` removes it."""
    if provider is None:
        _providers.pop(name, None)
    else:
        _providers[name] = provider


def render_service_extras(request: HttpRequest, service: Service) -> list[SafeString]:
    """The fragments of the registered providers, in the order they registered (what
    each costs in queries is the provider's; the feedback app's costs three)."""
    fragments = []
    for provider in _providers.values():
        html = provider(request, service)
        if html:
            fragments.append(mark_safe(html))  # noqa: S308 - rendered by the provider's template
    return fragments
