"""The pages of the test identity provider (a test and demo tool, never for production)."""

from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from oauth2_provider.views import AuthorizationView

from .identities import active_identities


class IdentityLoginView(LoginView):
    """The provider's own login page: the identities on offer, and username and password."""

    template_name = "testidp/login.html"
    redirect_authenticated_user = False

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "identities": active_identities()}


class SingleUseAuthorizationView(AuthorizationView):
    """Django-oauth-toolkit's authorization endpoint, signing the person out once it answers.

    There is no single sign-on: every authorization request asks for the login again, so a
    test or a demo can sign in as another identity without clearing the provider's cookies.
    """

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.status_code == 302 and request.user.is_authenticated:
            logout(request)
        return response
