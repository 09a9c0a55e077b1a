"""The CSV export of the list: the visibility rule of the list, and no cell a spreadsheet
would run as a formula."""

import csv
import io

import pytest

from proposals.states import ProposalState

S = ProposalState
pytestmark = pytest.mark.django_db

FORMULAS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1"]


def _rows(client):
    response = client.get("/proposte/esporta.csv")
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("formula", FORMULAS)
def test_cells_beginning_a_formula_are_written_as_text(client, make_proposal, formula):
    make_proposal(S.PUBLISHED, title=formula, summary=formula, budget_estimate=5)
    header, row = _rows(client)
    title, summary = row[header.index("titolo")], row[header.index("sintesi")]
    assert title == summary == "'" + formula
    assert row[header.index("stima del costo")] == "5.00"


def test_plain_text_is_written_as_it_is(client, make_proposal):
    make_proposal(S.PUBLISHED, title="Orti condivisi - seconda edizione")
    header, row = _rows(client)
    assert row[header.index("titolo")] == "Orti condivisi - seconda edizione"
