"""API routes of the Carta, mounted under /api/v1/: ``carta/revisions`` with its nested
``sections``, ``comments`` and ``amendments``, and ``services``."""

from rest_framework.routers import SimpleRouter

from consultations.charter import api

router = SimpleRouter()
router.register("carta/revisions", api.RevisionViewSet, basename="carta-revision")
router.register(
    r"carta/revisions/(?P<revision_pk>\d+)/sections",
    api.SectionViewSet,
    basename="carta-revision-section",
)
router.register(
    r"carta/revisions/(?P<revision_pk>\d+)/comments",
    api.CommentViewSet,
    basename="carta-revision-comment",
)
router.register(
    r"carta/revisions/(?P<revision_pk>\d+)/amendments",
    api.AmendmentViewSet,
    basename="carta-revision-amendment",
)
router.register("services", api.ServiceViewSet, basename="service")

urlpatterns = router.urls
