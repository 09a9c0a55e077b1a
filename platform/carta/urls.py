"""Root URLs: pages of every app, the API under /api/v1/, schema and docs, health."""

from allauth.account import views as allauth_views
from allauth.socialaccount import views as social_views
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.generic.base import RedirectView
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from carta import attachment_views, identity, privacy_views, token_views, views
from carta.opendata_views import catalogue, open_data_page

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
    path("profilo/i-miei-dati/", privacy_views.my_data, name="my_data"),
    path("profilo/i-miei-dati/scarica/", privacy_views.my_data_json, name="my_data_json"),
    path("profilo/token/", token_views.api_tokens, name="api_tokens"),
    path("profilo/conferma-email/", views.resend_confirmation, name="resend_confirmation"),
    path("registrati/inviata/", views.registration_sent, name="registration_sent"),
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


def _to(name: str):
    return RedirectView.as_view(pattern_name=name, query_string=True)


# django-allauth serves what Carta does not have itself: the confirmation of email
# addresses, the sign-in with SPID and CIE (oidc/<spid|cie>/), the second factor (2fa/),
# the list of one's sessions (sessions/) and the password confirmation they ask for
# (reauthenticate/). The names allauth reverses for what Carta does have lead to Carta's
# pages, so that there is one login, one registration, one profile.
allauth_patterns = [
    path("login/", _to("login"), name="account_login"),
    path("signup/", _to("register"), name="account_signup"),
    path("logout/", _to("profile"), name="account_logout"),
    path("email/", _to("profile"), name="account_email"),
    path("password/change/", _to("password_change"), name="account_change_password"),
    path("password/set/", _to("password_change"), name="account_set_password"),
    path("password/reset/", _to("password_reset"), name="account_reset_password"),
    path("3rdparty/", _to("profile"), name="socialaccount_connections"),
    path("3rdparty/signup/", identity.signup_not_completed, name="socialaccount_signup"),
    path("inactive/", allauth_views.account_inactive, name="account_inactive"),
    path("reauthenticate/", allauth_views.reauthenticate, name="account_reauthenticate"),
    # For an account without a password (SPID/CIE): a code sent to its confirmed address.
    path(
        "reauthenticate/code/",
        allauth_views.request_reauthentication_code,
        name="account_request_reauthentication_code",
    ),
    path(
        "reauthenticate/code/confirm/",
        allauth_views.confirm_reauthentication_code,
        name="account_confirm_reauthentication_code",
    ),
    re_path(
        r"^confirm-email/(?P<key>[-:\w]+)/$",
        allauth_views.confirm_email,
        name="account_confirm_email",
    ),
    path(
        "3rdparty/login/cancelled/",
        social_views.login_cancelled,
        name="socialaccount_login_cancelled",
    ),
    path("3rdparty/login/error/", social_views.login_error, name="socialaccount_login_error"),
    path("oidc/<str:provider_id>/login/", identity.start_sign_in, name="openid_connect_login"),
    path(
        "oidc/<str:provider_id>/login/callback/",
        identity.finish_sign_in,
        name="openid_connect_callback",
    ),
    path("2fa/", include("allauth.mfa.urls")),
    path("sessions/", include("allauth.usersessions.urls")),
]


def _to(name: str):
    return RedirectView.as_view(pattern_name=name, query_string=True)


urlpatterns = [
    path("", views.home, name="home"),
    path("", include(account_patterns)),
    path("accounts/", include(allauth_patterns)),
    path("notifiche/", views.notifications, name="notifications"),
    path("notifiche/lette/", views.notifications_read, name="notifications_read"),
    path("notifiche/preferenze/", views.notification_preferences, name="notification_preferences"),
    path("area-personale/", views.personal_area_page, name="personal_area"),
    path("area-personale/<slug:key>/", views.personal_area_section, name="personal_area_section"),
    path("segui/", views.follow, name="follow"),
    path("registro/", views.audit_log, name="audit"),
    path("moderazione/registro/", views.moderation_log, name="moderation_log"),
    path("moderazione/<slug:action>/", views.moderation_action, name="moderation_action"),
    path("allegati/<int:pk>/", attachment_views.attachment_download, name="attachment_download"),
    path(
        "allegati/<int:pk>/rimuovi/", attachment_views.attachment_remove, name="attachment_remove"
    ),
    path(
        "allegati/<str:kind>/<int:object_id>/",
        attachment_views.attachment_add,
        name="attachment_add",
    ),
    path("accessibilita/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("dati/", open_data_page, name="open_data"),
    path("dati/catalogo.jsonld", catalogue, {"kind": "jsonld"}, name="open_data_jsonld"),
    path("dati/catalogo.rdf", catalogue, {"kind": "rdf"}, name="open_data_rdf"),
    path("dati/catalogo.ttl", catalogue, {"kind": "ttl"}, name="open_data_ttl"),
    path("lingua/", views.set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("healthz", views.healthz, name="healthz"),
    # The admin signs in through the site's own login and its limits.
    path("admin/login/", views.AdminLoginView.as_view(), name="admin_login"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("carta.attachment_api")),
    path("api/v1/", include("carta.api.urls")),
]
for app in APPS:
    urlpatterns += [
        path("", include(f"{app}.urls")),
        path("api/v1/", include(f"{app}.api_urls")),
    ]
