"""DRF's throttles, counting per client address as the page limits do.

DRF finds the address itself (``NUM_PROXIES``), believing X-Forwarded-For from anyone when
it is unset; these classes take it from ``carta.ratelimit.client_ip`` instead, which trusts
only ``CARTA_TRUSTED_PROXIES``.
"""

from rest_framework import throttling

from carta.ratelimit import client_ip


class AnonRateThrottle(throttling.AnonRateThrottle):
    def get_ident(self, request):
        return client_ip(request)


class UserRateThrottle(throttling.UserRateThrottle):
    def get_ident(self, request):
        return client_ip(request)


class ScopedRateThrottle(throttling.ScopedRateThrottle):
    def get_ident(self, request):
        return client_ip(request)
