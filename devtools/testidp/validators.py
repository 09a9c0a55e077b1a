"""The claims of the test identity provider (a test and demo tool, never for production).

They follow the SPID/CIE proxy's OpenID Connect frontend: ``fiscalNumber`` (scope
``profile``) and ``acr`` (always, with ``openid``) besides the standard claims, in the ID token
and in the userinfo response alike. The ``nonce`` is django-oauth-toolkit's own handling.
"""

from oauth2_provider.oauth2_validators import OAuth2Validator

from .identities import identity_for

CLAIMS = ("sub", "given_name", "family_name", "email", "email_verified", "acr", "fiscalNumber")


def _claim(name):
    def value(request):
        return identity_for(request.user.get_username()).claims().get(name)

    return value


class SpidProxyLikeValidator(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "acr": "openid",
        "fiscalNumber": "profile",
    }

    def get_additional_claims(self):
        # The request-agnostic form (callables) also lists the claims in the discovery document.
        return {name: _claim(name) for name in CLAIMS}

    def get_oidc_claims(self, token, token_handler, request):
        # An identity without a codice fiscale has no fiscalNumber claim, not a null one.
        claims = super().get_oidc_claims(token, token_handler, request)
        return {name: value for name, value in claims.items() if value is not None}
