"""Writes of the Carta, one module per part: ``revisions`` (drafts, import, sharing,
consultation, adoption), ``content`` (sections and the services catalogue), ``comments``
(with outcomes), ``amendments`` (with supports and decisions); ``common`` holds the checks
they share. Callers import them from here.

Every function takes keyword arguments and an ``actor``, runs in one transaction, checks
who may act and in which state, writes the audit row, and notifies and broadcasts only
after the commit. Refusals are ``carta.errors`` (403 for the person, 409 for the state).
"""

from consultations.charter.services.amendments import (
    accept_amendment,
    propose_amendment,
    reject_amendment,
    support_amendment,
)
from consultations.charter.services.comments import post_comment, record_outcome
from consultations.charter.services.common import require_editor
from consultations.charter.services.content import delete_section, save_section, save_service
from consultations.charter.services.revisions import (
    adopt_revision,
    create_draft,
    extend_consultation,
    import_markdown,
    open_consultation,
    send_closing_notices,
    share_with_network,
    take_effect,
    update_revision,
)

__all__ = [
    "accept_amendment",
    "adopt_revision",
    "create_draft",
    "delete_section",
    "extend_consultation",
    "import_markdown",
    "open_consultation",
    "post_comment",
    "propose_amendment",
    "record_outcome",
    "reject_amendment",
    "require_editor",
    "save_section",
    "save_service",
    "send_closing_notices",
    "share_with_network",
    "support_amendment",
    "take_effect",
    "update_revision",
]
