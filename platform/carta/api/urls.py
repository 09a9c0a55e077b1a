from django.urls import path
from rest_framework.routers import SimpleRouter

from carta.api import views
from carta.api.notification_preferences import NotificationPreferencesView
from carta.api.root import ApiRootView

router = SimpleRouter()
router.register("notifications", views.NotificationViewSet, basename="notification")
router.register("audit", views.AuditViewSet, basename="audit")
router.register("flags", views.FlagViewSet, basename="flag")
router.register("moderation-log", views.ModerationLogViewSet, basename="moderation-log")

urlpatterns = [
    path("", ApiRootView.as_view(), name="api-root"),
    # Before the router's notifications/<pk>/.
    path(
        "notifications/preferences/",
        NotificationPreferencesView.as_view(),
        name="api-notification-preferences",
    ),
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("auth/tokens/", views.TokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/<str:token_key>/", views.TokenDetailView.as_view(), name="api-token-revoke"),
    path("auth/register/", views.RegisterView.as_view(), name="api-register"),
    path("auth/me/", views.MeView.as_view(), name="api-me"),
    path("ambito/", views.AmbitoView.as_view(), name="api-ambito"),
    *router.urls,
]
