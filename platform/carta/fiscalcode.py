"""The Italian codice fiscale of a person: its form and its check character.

Pure functions, with no Django: the identity sign-in (``carta.identity``) validates what a
SPID/CIE gateway sends, and the test identity provider (``devtools.testidp``) computes the
check character of the codes it hands out.

A person's code is 16 characters: six letters (surname, name), two digits (year), a letter
(month), two digits (day, plus 40 for women), a letter and three digits (place), and the
check character. Where two people would share a code (omocodia), digits from the right are
replaced by the letters LMNPQRSTUV; such codes are valid too.
"""

from __future__ import annotations

import re

# Sixteen characters in the layout above, omocodia letters admitted in the digit places.
_DIGIT = "[0-9LMNPQRSTUV]"
_SHAPE = re.compile(rf"[A-Z]{{6}}{_DIGIT}{{2}}[ABCDEHLMPRST]{_DIGIT}{{2}}[A-Z]{_DIGIT}{{3}}[A-Z]")

# Odd positions (1st, 3rd, ... 15th) are worth these; in even positions a digit is worth
# itself and a letter its index in the alphabet (A = 0).
_ODD = dict(
    zip(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        [1, 0, 5, 7, 9, 13, 15, 17, 19, 21]
        + [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22]
        + [25, 24, 23],
        strict=True,
    )
)
_EVEN = {
    **{str(digit): digit for digit in range(10)},
    **{chr(ord("A") + index): index for index in range(26)},
}

# How a SPID/CIE gateway sends it: ``TINIT-`` (the eIDAS national prefix) and the code.
PREFIX = "TINIT-"


def check_character(code15: str) -> str:
    """The check character (A-Z) of the first 15 characters of a codice fiscale.

    Raises ``ValueError`` for anything but 15 digits and capital letters."""
    if len(code15) != 15 or not all(char in _EVEN for char in code15):
        raise ValueError(f"not the first 15 characters of a codice fiscale: {code15!r}")
    total = sum(
        (_ODD if position % 2 == 0 else _EVEN)[char]
        for position, char in enumerate(code15)  # position 0 is the 1st: odd
    )
    return chr(ord("A") + total % 26)


def normalize(value: str) -> str:
    """The code as stored: capitals, no spaces, without the ``TINIT-`` prefix."""
    text = "".join(str(value).split()).upper()
    return text.removeprefix(PREFIX)


def is_valid(value: str) -> bool:
    """Whether ``value`` (normalized) is a person's codice fiscale with the right check
    character."""
    code = normalize(value)
    return bool(_SHAPE.fullmatch(code)) and check_character(code[:15]) == code[15]
