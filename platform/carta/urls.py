"""Root URLs: pages of every app, the API under /api/v1/, schema and docs, health."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from carta import token_views, views

handler400 = "carta.views.bad_request"
handler404 = "carta.views.page_not_found"
handler500 = "carta.views.server_error"

APPS = ["stakeholders", "proposals", "consultations.charter", "consultations.voting", "feedback"]

account_patterns = [
    path("accedi/", views.LoginView.as_view(), name="login"),
    path("esci/", auth_views.LogoutView.as_view(), name="logout"),
    path("registrati/", views.register, name="register"),
    path("profilo/", views.profile, name="profile"),
    path("profilo/cancella-account/", views.erase_account, name="erase_account"),
    path("profilo/token/", token_views.api_tokens, name="api_tokens"),
    path(
        "profilo/password/",
        auth_views.PasswordChangeView.as_view(template_name="carta/password_change.html"),
        name="password_change",
    ),
    path(
        "profilo/password/fatto/",
        auth_views.PasswordChangeDoneView.as_view(template_name="carta/password_change_done.html"),
        name="password_change_done",
    ),
    path("password/recupero/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/recupero/inviato/",
        auth_views.PasswordResetDoneView.as_view(template_name="carta/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/recupero/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="carta/password_reset_confirm.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/recupero/completato/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="carta/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("", include(account_patterns)),
    path("notifiche/", views.notifications, name="notifications"),
    path("notifiche/lette/", views.notifications_read, name="notifications_read"),
    path("registro/", views.audit_log, name="audit"),
    path("moderazione/registro/", views.moderation_log, name="moderation_log"),
    path("moderazione/<slug:action>/", views.moderation_action, name="moderation_action"),
    path("accessibilita/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("lingua/", views.set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("healthz", views.healthz, name="healthz"),
    # The admin signs in through the site's own login and its limits.
    path("admin/login/", views.AdminLoginView.as_view(), name="admin_login"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("carta.api.urls")),
]
for app in APPS:
    urlpatterns += [
        path("", include(f"{app}.urls")),
        path("api/v1/", include(f"{app}.api_urls")),
    ]
