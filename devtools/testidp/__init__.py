"""A local OpenID Connect provider for tests and the demo: never for production.

It stands in for the SPID/CIE OpenID Connect gateway (Developers Italia's Satosa-Saml2Spid
proxy) that Carta signs citizens in through. It is a real provider, a small Django project of
its own built on django-oauth-toolkit, run in a separate process on loopback:

    python -m devtools.testidp --client-id ID --client-secret SECRET \\
        --redirect-uri http://127.0.0.1:8000/accounts/oidc/spid/login/callback/

It prints ``READY <issuer>`` when it listens. Tests start it with
``devtools.testidp.fixture.running_idp``. The identities it offers are in
``devtools.testidp.identities``.
"""
