"""API routes of this app, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from consultations.voting import api

router = SimpleRouter()
router.register("consultations", api.ConsultationViewSet, basename="consultation")

urlpatterns = [
    *router.urls,
    path("consultations/<int:pk>/ballots/", api.BallotsView.as_view(), name="consultation-ballots"),
    path(
        "consultations/<int:pk>/ballots/mine/",
        api.OwnBallotView.as_view(),
        name="consultation-ballots-mine",
    ),
    path("consultations/<int:pk>/results/", api.ResultsView.as_view(), name="consultation-results"),
    path(
        "consultations/<int:pk>/eligibility/",
        api.EligibilityView.as_view(),
        name="consultation-eligibility",
    ),
    path(
        "consultations/<int:pk>/receipts/<str:token>/",
        api.ReceiptView.as_view(),
        name="consultation-receipt",
    ),
]
