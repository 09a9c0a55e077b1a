"""API routes of this app, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from feedback import api

router = SimpleRouter()
router.register("complaints", api.ComplaintViewSet, basename="complaint")
router.register("evaluations", api.EvaluationViewSet, basename="evaluation")
router.register(
    "commitment-measurements", api.MeasurementViewSet, basename="commitment-measurement"
)
router.register("improvement-actions", api.ImprovementActionViewSet, basename="improvement-action")

urlpatterns = [
    path("dashboard/", api.DashboardView.as_view(), name="api-dashboard"),
    path("me/data/", api.MyDataView.as_view(), name="api-my-data"),
    *router.urls,
]
