"""Tracking codes of complaints: ``RCL-XXXX-XXXX-XXXX``.

Twelve characters drawn by ``secrets`` from 29 letters and digits that cannot be mistaken
for one another when read aloud or copied by hand (no 0/O, 1/I/L, U/V): 29**12 is about
3.5e17 codes (58 bits), and a valid code is useless without the sender's email. Only the
SHA-256 of the normalized code is stored.
"""

from __future__ import annotations

import hashlib
import re
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTWXYZ23456789"
PREFIX = "RCL"
GROUPS = 3
GROUP_SIZE = 4
_CLEAN = re.compile(r"[^A-Z0-9]")


def new_code() -> str:
    """A fresh, formatted tracking code."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_SIZE))
    chunks = [body[i : i + GROUP_SIZE] for i in range(0, len(body), GROUP_SIZE)]
    return "-".join([PREFIX, *chunks])


def normalize(code: str) -> str:
    """Upper case without separators or spaces, the prefix dropped: what is hashed."""
    cleaned = _CLEAN.sub("", (code or "").upper())
    if cleaned.startswith(PREFIX):
        cleaned = cleaned[len(PREFIX) :]
    return cleaned


def hash_code(code: str) -> str:
    return hashlib.sha256(normalize(code).encode()).hexdigest()
