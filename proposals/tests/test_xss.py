"""Every rich-text field of a proposal and its comments renders the stored-XSS corpus
inert on the page and in the API."""

from html.parser import HTMLParser

import pytest

from carta.tests.test_markdown import XSS_CORPUS, live_problems
from proposals.states import ProposalState
from tests.factories import ProposalCommentFactory

pytestmark = pytest.mark.django_db


class _PageInspector(HTMLParser):
    """What would run in a browser on a whole page: inline scripts, event handlers,
    frames and objects, script URLs. The layout's own scripts load from /static/."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not (attrs.get("src") or "").startswith("/static/"):
            self.problems.append("inline script")
        if tag in {"iframe", "object", "embed", "svg", "math", "img", "details", "style"}:
            self.problems.append(f"tag {tag}")
        for name, value in attrs.items():
            if name.startswith("on") or name == "style" and "javascript" in (value or ""):
                self.problems.append(f"attribute {name}")
            if name in {"href", "src", "action", "data", "formaction"}:
                scheme = (value or "").strip().lower().split(":", 1)[0]
                if scheme in {"javascript", "data", "vbscript"}:
                    self.problems.append(f"url {value}")


def page_problems(html: str) -> list[str]:
    inspector = _PageInspector()
    inspector.feed(html)
    return inspector.problems


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_payload_is_inert_in_every_field(payload, make_proposal, citizen, client, api):
    proposal = make_proposal(
        ProposalState.PUBLISHED,
        title=payload[:200],
        summary=payload,
        body=payload,
        beneficiaries=payload,
    )
    ProposalCommentFactory(proposal=proposal, author=citizen, body=payload)
    clean = make_proposal(ProposalState.PUBLISHED)
    baseline = page_problems(client.get(f"/proposte/{clean.pk}/").content.decode())
    page = client.get(f"/proposte/{proposal.pk}/").content.decode()
    assert page_problems(page) == baseline
    listing = client.get("/proposte/").content.decode()
    assert page_problems(listing) == page_problems(client.get("/proposte/?q=zzz").content.decode())
    detail = api.get(f"/api/v1/proposals/{proposal.pk}/").json()
    assert live_problems(detail["body_html"]) == []
    comments = api.get(f"/api/v1/proposals/{proposal.pk}/comments/").json()["results"]
    assert live_problems(comments[0]["body_html"]) == []
