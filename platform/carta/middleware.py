import re

from django.conf import settings
from django.http import Http404, HttpResponseBadRequest
from django.utils import translation
from django.utils.translation import gettext as _

from carta.api.errors import json_error_response


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


class RejectNulMiddleware:
    """Answer 400 to a query string or form carrying a NUL character.

    No field of the platform accepts one, and PostgreSQL refuses them in text, which
    would otherwise surface as a 500 deep inside a query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get(
            "QUERY_STRING", ""
        ):
            return self._refuse(request)
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            for values in request.POST.lists():
                if any("\x00" in value for value in values[1]) or "\x00" in values[0]:
                    return self._refuse(request)
        return self.get_response(request)

    def _refuse(self, request):
        message = _("La richiesta contiene caratteri non ammessi.")
        if request.path.startswith("/api/"):
            return json_error_response(400, "invalid", message)
        return HttpResponseBadRequest(message)


# The widest integer a database column here holds (PostgreSQL bigint, SQLite INTEGER).
LARGEST_ID = 2**63 - 1
_INTEGER = re.compile(r"[+-]?[0-9]+")
# Parameters that carry free text, where a long number is just words to look for.
TEXT_PARAMETERS = frozenset({"q", "search"})


def _out_of_range(value) -> bool:
    text = str(value).strip()
    return bool(_INTEGER.fullmatch(text)) and abs(int(text)) > LARGEST_ID


class OutOfRangeNumbersMiddleware:
    """An integer no column can hold is refused before it reaches a query (SQLite raises
    ``OverflowError``, PostgreSQL "out of range": both would be a 500).

    In the query string it is a 400 naming the parameter; as an id in the path it names
    nothing that exists, so it is a 404.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, values in request.GET.lists():
            if name not in TEXT_PARAMETERS and any(_out_of_range(value) for value in values):
                message = _("Il numero indicato è fuori dall'intervallo ammesso.")
                if request.path.startswith("/api/"):
                    return json_error_response(400, "invalid", message, errors={name: [message]})
                return HttpResponseBadRequest(f"{name}: {message}")
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if any(_out_of_range(value) for value in [*view_args, *view_kwargs.values()]):
            raise Http404
        return None
