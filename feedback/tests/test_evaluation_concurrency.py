"""One evaluation per person and service every 30 days, held by the database when many
workers receive the same person's evaluation at once."""

import datetime
import importlib
import threading

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from carta.errors import Conflict
from feedback import services
from feedback.models import Evaluation, LastEvaluation
from tests.factories import UserFactory

RATINGS = {"access": 4, "timeliness": 3, "courtesy": 5, "clarity": 4, "overall": 4}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_evaluations_of_one_service_by_one_person_store_one(carta):
    person = UserFactory()
    barrier = threading.Barrier(10)
    outcomes = []

    def evaluate():
        try:
            barrier.wait()
            services.submit_evaluation(actor=person, service=carta.assistenza.pk, **RATINGS)
            outcomes.append("stored")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=evaluate) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 9 + ["stored"]
    assert Evaluation.objects.filter(user=person).count() == 1


@pytest.mark.django_db
def test_the_migration_carries_the_evaluations_already_given_into_the_limit(carta, api_as):
    fill = importlib.import_module("feedback.migrations.0007_last_evaluation").fill
    person, other = UserFactory(), UserFactory()
    now = timezone.now()

    def given(user, service, days_ago):
        created = now - datetime.timedelta(days=days_ago)
        return Evaluation(
            service=service,
            service_key=service.key,
            user=user,
            created_at=created,
            period="2026-Q1",
            **RATINGS,
        )

    Evaluation.objects.bulk_create(
        [
            given(person, carta.assistenza, 40),
            given(person, carta.assistenza, 3),
            given(other, carta.segretariato, 50),
            given(None, carta.segretariato, 1),
        ]
    )
    fill(apps, None)
    rows = {
        (row.user_id, row.service_key): (now - row.evaluated_at).days
        for row in LastEvaluation.objects.all()
    }
    assert rows == {(person.pk, carta.assistenza.key): 3, (other.pk, carta.segretariato.key): 50}
    url = "/api/v1/evaluations/"
    again = api_as(person).post(url, {"service": carta.assistenza.pk, **RATINGS})
    assert again.status_code == 409
    later = api_as(other).post(url, {"service": carta.segretariato.pk, **RATINGS})
    assert later.status_code == 201
