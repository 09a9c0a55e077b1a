import io

import pytest

from carta import demo as core_demo
from stakeholders import demo
from stakeholders.models import Membership, Organization, Resource, Role
from stakeholders.validators import is_valid_tax_code

pytestmark = pytest.mark.django_db


def run():
    ctx = core_demo.DemoContext(stdout=io.StringIO())
    core_demo.load(ctx)
    demo.load(ctx)
    return ctx


def test_demo_loads_a_realistic_network_and_is_idempotent():
    ctx = run()
    counts = (Organization.objects.count(), Membership.objects.count(), Resource.objects.count())
    assert counts[0] == 30
    assert 55 <= counts[2] <= 70
    assert set(Organization.objects.values_list("status", flat=True)) == {
        "pending",
        "verified",
        "rejected",
        "suspended",
    }
    assert all(
        is_valid_tax_code(code) for code in Organization.objects.values_list("tax_code", flat=True)
    )
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert {"rappresentante", "redattore", "socio"} <= {name for name, _ in ctx.accounts}
    run()
    assert (
        Organization.objects.count(),
        Membership.objects.count(),
        Resource.objects.count(),
    ) == counts


def test_demo_roles_carry_their_permissions():
    from carta.models import User
    from stakeholders import permissions as perms

    run()
    melograno = Organization.objects.get(legal_name="Cooperativa Sociale Il Melograno")
    assert perms.can_manage_members(User.objects.get(username="rappresentante"), melograno)
    assert perms.can_write_for(User.objects.get(username="redattore"), melograno)
    assert not perms.can_write_for(User.objects.get(username="socio"), melograno)


def test_demo_has_pacts_to_renew_within_and_past_the_grace_period():
    from stakeholders import permissions as perms
    from stakeholders.models import PactAcceptance

    run()
    lapsed = Organization.objects.get(legal_name=demo.PACT_LAPSED)
    within = Organization.objects.get(legal_name=demo.PACT_WITHIN_GRACE)
    assert lapsed.status == within.status == "verified"
    assert perms.pact_lapsed(lapsed) and perms.pact_to_renew(lapsed)
    assert perms.pact_to_renew(within) and not perms.pact_lapsed(within)
    assert (lapsed.pact_revision_number, lapsed.pact_renewal_revision_number) == (1, 2)
    deadline = within.pact_renew_by
    assert PactAcceptance.objects.filter(organization=lapsed, revision_number=1).exists()
    assert (
        PactAcceptance.objects.count()
        == Organization.objects.filter(pact_accepted_at__isnull=False).count()
    )
    run()
    within.refresh_from_db()
    assert within.pact_renew_by == deadline
    assert PactAcceptance.objects.count() == Organization.objects.count()
