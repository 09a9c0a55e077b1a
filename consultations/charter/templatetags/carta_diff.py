"""Template helpers of the word diff (``includes/ops.html``)."""

from django import template

register = template.Library()


@register.filter
def diff_gap(op) -> bool:
    """Whether a replaced passage needs a space between its deleted and its inserted
    words, which would otherwise read as one word ("catdog"): the tokens keep the white
    space that follows them, so only a replacement at the end of a text or before
    punctuation lacks one."""
    old, new = op.get("old") or "", op.get("new") or ""
    return bool(old and new) and not old[-1].isspace() and not new[0].isspace()
