"""A person erases their own account: contributions stay with "utente cancellato", personal
data goes, the audit log keeps only the pseudonymous id, the last representative is refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from carta.models import AuditEntry, Notification, User
from stakeholders.models import Membership, Role
from tests.factories.consultations import CommentFactory
from tests.factories.core import NotificationFactory, UserFactory
from tests.factories.stakeholders import MembershipFactory

pytestmark = pytest.mark.django_db


def test_erasure_keeps_contributions_and_erases_the_person(client, password):
    person = UserFactory(username="anna.verdi", first_name="Anna", last_name="Verdi")
    comment = CommentFactory(author=person)
    NotificationFactory(recipient=person)
    membership = MembershipFactory(user=person)  # a plain member
    AuditEntry.objects.create(actor=person, actor_label="Anna Verdi", verb="comment.created")
    client.force_login(person)

    page = client.get(reverse("erase_account"))
    assert "utente cancellato" in page.content.decode()
    response = client.post(reverse("erase_account"), {"password": password, "confirm": "on"})

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.is_erased and not person.is_active
    assert (person.first_name, person.last_name, person.email) == ("", "", "")
    assert person.username == f"cancellato-{person.pk}"
    assert not person.has_usable_password()
    assert str(person) == "utente cancellato"
    comment.refresh_from_db()
    assert comment.author_id == person.pk
    assert comment.signed_as == "utente cancellato"
    assert not Notification.objects.filter(recipient=person).exists()
    assert not Membership.objects.filter(pk=membership.pk).exists()
    labels = set(AuditEntry.objects.filter(actor=person).values_list("actor_label", flat=True))
    assert labels == {"utente cancellato"}
    assert AuditEntry.objects.filter(actor=person, verb="account.erased").exists()
    assert not AuditEntry.objects.filter(actor_label__icontains="Verdi").exists()
    assert not AuditEntry.objects.filter(object_repr__icontains="Verdi").exists()
    # Signed out, and the old password no longer opens anything.
    assert "_auth_user_id" not in client.session
    assert not client.login(username="anna.verdi", password=password)


def test_erasure_needs_the_password_and_the_confirmation(client, password):
    person = UserFactory(username="marco.neri", last_name="Neri")
    client.force_login(person)
    response = client.post(reverse("erase_account"), {"password": "sbagliata", "confirm": "on"})
    assert response.status_code == 400
    assert "La password non è corretta." in response.content.decode()
    response = client.post(reverse("erase_account"), {"password": password})
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.is_active and person.last_name == "Neri"


def test_the_last_representative_is_asked_to_name_another_first(client, password):
    person = UserFactory(username="rappresentante", last_name="Bruni")
    membership = MembershipFactory(user=person, role=Role.REPRESENTATIVE)
    NotificationFactory(recipient=person)
    client.force_login(person)
    response = client.post(reverse("erase_account"), {"password": password, "confirm": "on"})
    assert response.status_code == 400
    assert "almeno un rappresentante" in response.content.decode()
    person.refresh_from_db()
    assert person.is_active and person.last_name == "Bruni"
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert Notification.objects.filter(recipient=person).exists()
    assert User.objects.filter(username="rappresentante").exists()
