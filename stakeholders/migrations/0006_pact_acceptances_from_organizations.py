"""Every pact accepted before the history existed becomes its organization's first
``PactAcceptance``: the revision and time recorded on the organization, accepted by the
first representative (the applicant, who accepted it), or by nobody known if none is left."""

from django.db import migrations


def forwards(apps, schema_editor):
    Organization = apps.get_model("stakeholders", "Organization")
    Membership = apps.get_model("stakeholders", "Membership")
    PactAcceptance = apps.get_model("stakeholders", "PactAcceptance")
    accepted = Organization.objects.filter(pact_accepted_at__isnull=False).exclude(
        pact_acceptances__isnull=False
    )
    rows = []
    for organization in accepted.iterator():
        first = (
            Membership.objects.filter(organization=organization, role="representative")
            .order_by("created_at", "id")
            .first()
        )
        rows.append(
            PactAcceptance(
                organization=organization,
                revision_number=organization.pact_revision_number,
                accepted_by_id=first.user_id if first else None,
                accepted_at=organization.pact_accepted_at,
            )
        )
    PactAcceptance.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("stakeholders", "0005_pact_renewal")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
