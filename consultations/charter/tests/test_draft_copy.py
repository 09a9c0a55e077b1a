"""A draft copied from a revision keeps every field of its services and commitments: the
practical fields a citizen reads, the platform rule a commitment sets, the refund it
promises (a copy that dropped them would send complaints back to the fallback deadline
once the draft is adopted)."""

from decimal import Decimal

from consultations.charter import services
from consultations.charter.models import GovernedRule, Service


def test_a_new_draft_keeps_the_practical_fields_the_rule_and_the_refund(in_force, carta_editor):
    service = in_force.services.order_by("position").first()
    Service.objects.filter(pk=service.pk).update(
        how_to_apply="Domanda allo sportello sociale.",
        where_and_when="Lunedì 9-12.",
        documents_required="ISEE in corso di validità.",
        costs="Gratuito fino a 8.000,00 €.",
    )
    commitment = service.commitments.get()
    commitment.governs = GovernedRule.COMPLAINT_DEADLINE
    commitment.direction = "at_most"
    commitment.target_value = Decimal("20")
    commitment.refund = "Rimborso della quota del mese"
    commitment.refund_amount = Decimal("25.00")
    commitment.save()

    draft = services.create_draft(actor=carta_editor, title="Revisione 2027")

    copied = draft.services.get(key=service.key)
    assert (copied.how_to_apply, copied.where_and_when) == (
        "Domanda allo sportello sociale.",
        "Lunedì 9-12.",
    )
    assert (copied.documents_required, copied.costs) == (
        "ISEE in corso di validità.",
        "Gratuito fino a 8.000,00 €.",
    )
    rule = copied.commitments.get()
    assert (rule.governs, rule.target_value) == (GovernedRule.COMPLAINT_DEADLINE, Decimal("20"))
    assert (rule.refund, rule.refund_amount) == ("Rimborso della quota del mese", Decimal("25.00"))
    assert rule.pk != commitment.pk and copied.pk != service.pk
    assert list(copied.provider_organizations.all()) == list(service.provider_organizations.all())


def test_the_comparison_shows_a_changed_cost_and_a_changed_rule(in_force, carta_editor):
    from consultations.charter import diff, selectors

    draft = services.create_draft(actor=carta_editor, title="Revisione 2027")
    service = draft.services.order_by("position").first()
    Service.objects.filter(pk=service.pk).update(costs="3,00 € l'ora oltre 8.000,00 € di ISEE.")
    service.commitments.update(
        governs=GovernedRule.COMPLAINT_DEADLINE, direction="at_most", target_value=20
    )
    changes = diff.compare(selectors.snapshot(in_force), selectors.snapshot(draft))
    entry = next(c for c in changes["services"] if c["key"] == service.key)
    assert entry["fields"]["costs"]["new"] == "3,00 € l'ora oltre 8.000,00 € di ISEE."
    (commitment,) = entry["commitments"]
    assert commitment["fields"]["governs"]["new"] == GovernedRule.COMPLAINT_DEADLINE
