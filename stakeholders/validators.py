"""Validation of Italian organization identifiers and of the lists stored as JSON."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from carta.models import Area


def tax_code_check_digit(first_ten: str) -> int:
    """The check digit of an 11-digit partita IVA / numeric codice fiscale.

    Digits in odd positions (1st, 3rd, ...) are summed as they are; digits in even
    positions are doubled, minus 9 when the double exceeds 9 (the Luhn rule).
    """
    if len(first_ten) != 10 or not first_ten.isascii() or not first_ten.isdigit():
        raise ValueError("ten ASCII digits expected")
    total = 0
    for index, char in enumerate(first_ten):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def is_valid_tax_code(value: str) -> bool:
    """True for 11 ASCII digits, not all zero, whose last digit is the right check digit."""
    if not isinstance(value, str) or len(value) != 11:
        return False
    if not value.isascii() or not value.isdigit() or value == "0" * 11:
        return False
    return tax_code_check_digit(value[:10]) == int(value[10])


def normalize_tax_code(value: str) -> str:
    """Strip spaces and an ``IT`` prefix, as people often type them."""
    value = "".join((value or "").split()).upper()
    if value.startswith("IT") and len(value) == 13:
        value = value[2:]
    return value


def validate_tax_code(value: str) -> None:
    if not is_valid_tax_code(value):
        raise ValidationError(
            _(
                "Il codice fiscale o la partita IVA non è valido: servono 11 cifre "
                "con la cifra di controllo corretta."
            ),
            code="invalid_tax_code",
        )


def validate_areas(value: Iterable) -> None:
    """A list of distinct values of ``carta.models.Area``."""
    if not isinstance(value, list):
        raise ValidationError(_("Le aree di intervento devono essere un elenco."), code="invalid")
    unknown = [item for item in value if item not in Area.values]
    if unknown:
        raise ValidationError(
            _("Area di intervento sconosciuta: %(value)s."),
            code="invalid_area",
            params={"value": ", ".join(str(item) for item in unknown)},
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Un'area di intervento è ripetuta."), code="duplicate_area")
