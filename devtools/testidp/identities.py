"""The identities of the test identity provider (a test and demo tool, never for production).

Each identity is a person who can sign in at the provider's login page and whose claims the
provider sends the way the SPID/CIE proxy's OpenID Connect frontend does: ``sub`` (stable per
identity: derived from the username, so it survives restarts and new data directories),
``fiscalNumber`` as ``TINIT-<codice fiscale>``, ``given_name``, ``family_name``, ``email``,
``email_verified`` and ``acr``.

Without ``--identities`` the provider offers ``DEFAULT_IDENTITIES``, all with the password
``DEFAULT_PASSWORD``:

- ``mario.rossi`` and ``giulia.bianchi``: valid codici fiscali, SPID level 2;
- ``codice.errato``: a codice fiscale whose check character is wrong;
- ``senza.codice``: no ``fiscalNumber`` claim at all.

An identities file (``--identities FILE.json``) is a JSON list of objects::

    [
      {
        "username": "anna.verdi",           # required, unique
        "password": "segreta",              # required
        "fiscal_number": "VRDNNA90A41H501X", # 16 characters without "TINIT-", or null
        "given_name": "Anna",               # required
        "family_name": "Verdi",             # required
        "email": "anna.verdi@example.org",  # required
        "acr": "https://www.spid.gov.it/SpidL2",  # optional, this is the default
        "email_verified": true              # optional, default true
      }
    ]

The codice fiscale is sent as given (no check), so that a file can hold wrong ones on purpose.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

SPID_L1 = "https://www.spid.gov.it/SpidL1"
SPID_L2 = "https://www.spid.gov.it/SpidL2"
SPID_L3 = "https://www.spid.gov.it/SpidL3"

DEFAULT_PASSWORD = "carta-demo-2026"  # noqa: S105 - a published demo password, by design

# The namespace of the identities' ``sub``: uuid5(namespace, username).
_SUB_NAMESPACE = uuid.UUID("6f1c6a56-7c1e-4f63-9a43-5b0d3c1e2a77")


@dataclass(frozen=True)
class Identity:
    """A person who can sign in at the test provider, and the claims sent about them."""

    username: str
    password: str
    given_name: str
    family_name: str
    email: str
    fiscal_number: str | None = None
    acr: str = SPID_L2
    email_verified: bool = True

    @property
    def sub(self) -> str:
        """The stable subject identifier: the same for the same username, run after run."""
        return str(uuid.uuid5(_SUB_NAMESPACE, self.username))

    @property
    def fiscal_number_claim(self) -> str | None:
        """``fiscalNumber`` as the SPID/CIE proxy sends it, or ``None`` when there is none."""
        return f"TINIT-{self.fiscal_number}" if self.fiscal_number else None

    def claims(self) -> dict[str, object]:
        """The claims about this person (ID token and userinfo), without absent ones."""
        claims: dict[str, object] = {
            "sub": self.sub,
            "given_name": self.given_name,
            "family_name": self.family_name,
            "email": self.email,
            "email_verified": self.email_verified,
            "acr": self.acr,
        }
        if self.fiscal_number_claim:
            claims["fiscalNumber"] = self.fiscal_number_claim
        return claims

    def to_json(self) -> dict[str, object]:
        return asdict(self)


DEFAULT_IDENTITIES: list[Identity] = [
    # Mario Rossi, born in Rome (H501) on 1 January 1980.
    Identity(
        username="mario.rossi",
        password=DEFAULT_PASSWORD,
        given_name="Mario",
        family_name="Rossi",
        email="mario.rossi@example.org",
        fiscal_number="RSSMRA80A01H501U",
    ),
    # Giulia Bianchi, born in Milan (F205) on 15 March 1985 (day + 40: a woman).
    Identity(
        username="giulia.bianchi",
        password=DEFAULT_PASSWORD,
        given_name="Giulia",
        family_name="Bianchi",
        email="giulia.bianchi@example.org",
        fiscal_number="BNCGLU85C55F205O",
    ),
    # Luigi Verdi: the check character of VRDLGU70M10L219 is Z, not A.
    Identity(
        username="codice.errato",
        password=DEFAULT_PASSWORD,
        given_name="Luigi",
        family_name="Verdi",
        email="codice.errato@example.org",
        fiscal_number="VRDLGU70M10L219A",
    ),
    Identity(
        username="senza.codice",
        password=DEFAULT_PASSWORD,
        given_name="Anna",
        family_name="Neri",
        email="senza.codice@example.org",
        fiscal_number=None,
    ),
]

_REQUIRED = ("username", "password", "given_name", "family_name", "email")
_OPTIONAL = ("fiscal_number", "acr", "email_verified")


def identities_from_json(data: object) -> list[Identity]:
    """Identities from the decoded JSON of an identities file; ``ValueError`` if malformed."""
    if not isinstance(data, list) or not data:
        raise ValueError("an identities file holds a non-empty JSON list of objects")
    identities = []
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            raise ValueError(f"identity {index}: not an object")
        missing = [key for key in _REQUIRED if not isinstance(item.get(key), str) or not item[key]]
        unknown = sorted(set(item) - set(_REQUIRED) - set(_OPTIONAL))
        if missing or unknown:
            raise ValueError(f"identity {index}: missing {missing}, unknown {unknown}")
        fields = {key: item[key] for key in (*_REQUIRED, *_OPTIONAL) if key in item}
        if fields.get("acr") is None:
            fields.pop("acr", None)
        identities.append(Identity(**fields))
    usernames = [identity.username for identity in identities]
    if len(set(usernames)) != len(usernames):
        raise ValueError("two identities share a username")
    return identities


def load_identities(path: str | Path) -> list[Identity]:
    """The identities of a JSON file (format in this module's docstring)."""
    return identities_from_json(json.loads(Path(path).read_text(encoding="utf-8")))


# The identities the running provider offers, by username (set once at start by __main__).
_active: dict[str, Identity] = {}


def activate(identities: list[Identity]) -> None:
    _active.clear()
    _active.update({identity.username: identity for identity in identities})


def active_identities() -> list[Identity]:
    return list(_active.values())


def identity_for(username: str) -> Identity:
    """The active identity of a username; ``KeyError`` if the provider does not offer it."""
    return _active[username]
