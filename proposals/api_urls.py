"""API routes of this app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from proposals import api

router = SimpleRouter()
router.register("proposals", api.ProposalViewSet, basename="proposal")

urlpatterns = router.urls
