"""Websocket payloads of the voting app, declared once."""

from __future__ import annotations

from typing import Any, TypedDict


class TurnoutEntry(TypedDict):
    electorate: str
    ballots: int
    eligible: int
    turnout_percent: float


class TallyEvent(TypedDict):
    type: str  # "tally"
    consultation: int
    status: str
    turnout: list[TurnoutEntry]
    # ``consultation_results`` as the API serves it, or None while the tally is hidden
    # (results after closing, and every secret consultation until it closes): the same
    # for every subscriber, and never more than the API shows an anonymous visitor.
    results: dict[str, Any] | None


def consultation_group(consultation_id: int) -> str:
    return f"consultation.{consultation_id}"
