"""All factory_boy factories of the suite, one module per app, re-exported here."""

from tests.factories.consultations import *  # noqa: F403
from tests.factories.core import MunicipalityFactory, NotificationFactory, UserFactory  # noqa: F401
from tests.factories.feedback import *  # noqa: F403
from tests.factories.proposals import *  # noqa: F403
from tests.factories.stakeholders import *  # noqa: F403
from tests.factories.voting import *  # noqa: F403
