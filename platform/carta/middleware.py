from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """Speak to a signed-in person in the language of their profile.

    Runs after ``LocaleMiddleware``; a visitor's explicit choice (the language cookie set
    by the language switch) wins, and the switch also updates the profile.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user.preferred_language
        ):
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)
