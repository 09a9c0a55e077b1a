"""URLs of the test identity provider: django-oauth-toolkit at the root of the issuer.

``<issuer>/.well-known/openid-configuration`` is the discovery document, ``/authorize/``,
``/token/``, ``/userinfo/`` and ``/.well-known/jwks.json`` its endpoints, ``/login/`` the
provider's login page.
"""

from django.urls import include, path
from oauth2_provider import urls as dot_urls

from . import views

_oauth2_provider_urls = [
    path("authorize/", views.SingleUseAuthorizationView.as_view(), name="authorize"),
    *[pattern for pattern in dot_urls.base_urlpatterns if pattern.name != "authorize"],
    *dot_urls.oidc_urlpatterns,
    *dot_urls.metadata_urlpatterns,
]

urlpatterns = [
    path("login/", views.IdentityLoginView.as_view(), name="login"),
    path("", include((_oauth2_provider_urls, "oauth2_provider"))),
]
