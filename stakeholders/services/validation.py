"""Checks shared by the services of this package: choices, areas, municipalities, and a
model's own validation turned into the one application error (``InvalidInput``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from carta.errors import InvalidInput
from carta.models import Municipality
from stakeholders.validators import validate_areas


def field_error(error: ValidationError, field: str) -> InvalidInput:
    return InvalidInput(" ".join(error.messages), field=field)


def check_choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        raise InvalidInput(
            gettext("Valore non ammesso: %(value)s.") % {"value": value}, field=field
        )
    return value


def check_areas(areas: Any) -> list[str]:
    areas = list(areas or [])
    try:
        validate_areas(areas)
    except ValidationError as error:
        raise field_error(error, "areas") from None
    return areas


def municipalities_from(ids: Iterable | None) -> list[Municipality] | None:
    """The municipalities of the given ids or objects (one query); None for None."""
    if ids is None:
        return None
    wanted = {int(getattr(item, "pk", item)) for item in ids}
    found = list(Municipality.objects.filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise InvalidInput(gettext("Comune sconosciuto."), field="municipalities")
    return found


def save_full_clean(obj, *, exclude: Iterable[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise InvalidInput(
            " ".join(messages), field=None if field == "__all__" else field
        ) from None
    obj.save()


def set_municipalities(obj, places: list[Municipality] | None, changes: dict) -> None:
    """Replace ``obj``'s municipalities with ``places`` (unless None), noting the change."""
    if places is None:
        return
    before = {m.pk for m in obj.municipalities.all()}
    after = {m.pk for m in places}
    if before != after:
        obj.municipalities.set(places)
        changes["municipalities"] = [sorted(before), sorted(after)]
