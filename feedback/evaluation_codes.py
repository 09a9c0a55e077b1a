"""Single-use evaluation codes: ``VAL-XXXX-XXXX``.

Eight characters drawn by ``secrets`` from the 29 letters and digits that cannot be
mistaken for one another when read aloud or copied from paper (no 0/O, 1/I/L, U/V, as
the complaints' tracking codes): 29**8 is about 5e11 codes. A code is valid for one
service, until its expiry, once. Only a keyed digest (HMAC over the project's secret
key) of the normalized code is stored, so a copy of the database gives no usable code.
"""

from __future__ import annotations

import re
import secrets

from django.utils.crypto import salted_hmac

from feedback.codes import ALPHABET

PREFIX = "VAL"
GROUPS = 2
GROUP_SIZE = 4
_CLEAN = re.compile(r"[^A-Z0-9]")
_SALT = "carta.feedback.evaluation_code"


def new_code() -> str:
    """A fresh, formatted code."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_SIZE))
    chunks = [body[i : i + GROUP_SIZE] for i in range(0, len(body), GROUP_SIZE)]
    return "-".join([PREFIX, *chunks])


def normalize(code: str) -> str:
    """Upper case, without separators or spaces, the prefix dropped: what is digested."""
    cleaned = _CLEAN.sub("", (code or "").upper())
    if cleaned.startswith(PREFIX):
        cleaned = cleaned[len(PREFIX) :]
    return cleaned


def digest(code: str) -> str:
    """The stored form of a code: HMAC-SHA256 of its normalized form (64 hex digits)."""
    return salted_hmac(_SALT, normalize(code), algorithm="sha256").hexdigest()


def looks_like_a_code(code: str) -> bool:
    """Eight characters of the alphabet once normalized (no query)."""
    cleaned = normalize(code)
    return len(cleaned) == GROUPS * GROUP_SIZE and all(c in ALPHABET for c in cleaned)
