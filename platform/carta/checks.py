"""System checks of the platform core, run before every management command (``carta serve``
included) and by ``carta check --deploy``."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

CONSOLE_EMAIL = "django.core.mail.backends.console.EmailBackend"


@register()
def production_sends_real_email(app_configs, **kwargs):
    """Without ``EMAIL_HOST`` the embedded default prints every email to the console: in
    production that would write password-reset links, complaint tracking codes and
    invitation tokens into the server's logs. The production profile refuses to start."""
    if getattr(settings, "PRODUCTION", False) and settings.EMAIL_BACKEND == CONSOLE_EMAIL:
        return [
            Error(
                "The production profile needs an SMTP server: set EMAIL_HOST (and "
                "EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, DEFAULT_FROM_EMAIL).",
                hint="Without it, reset links, tracking codes and invitation tokens would be "
                "written to the log.",
                id="carta.E001",
            )
        ]
    return []
