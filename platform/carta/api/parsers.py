"""The API's JSON parser: DRF's, with a document nested too deeply for Python's parser
(``[[[[...]]]]`` a hundred thousand deep) refused as malformed JSON (400) instead of
escaping as a ``RecursionError`` (500)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("Il documento JSON è annidato troppo in profondità.")) from None
