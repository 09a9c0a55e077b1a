"""The Django admin, for staff: the Ambito's name in its header, and the read-only base
every app's admin uses where a service owns the writes (tests/test_admin.py checks that every
model is listed, shown inside another's page, or left out for a stated reason)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carta import ambito, moderation
from carta.models import AuditEntry, Flag, ModerationEntry, Municipality, Notification, User


def _site_header() -> str:
    return gettext("Carta · %(ambito)s") % {"ambito": ambito.identity().name}


# Read at each page, so that the name configured for the Ambito is the one shown.
admin.site.site_header = lazy(_site_header, str)()
admin.site.site_title = lazy(_site_header, str)()
admin.site.index_title = _("Amministrazione")


def _unregister_personal_and_secret() -> None:
    """The libraries' own admin pages that would list people's tokens, second factors,
    sessions, addresses and gateways' claims: each person manages theirs from the profile,
    and the gateways are configured by environment (docs/identity.md)."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
    from allauth.usersessions.models import UserSession
    from knox.models import AuthToken

    for model in (
        AuthToken,
        Authenticator,
        UserSession,
        EmailAddress,
        SocialAccount,
        SocialApp,
        SocialToken,
    ):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


_unregister_personal_and_secret()


# Stored for the machine (search vectors, digests of secrets): never a field to read.
NEVER_SHOWN = {"search_vector", "token_hash", "tracking_hash", "digest"}


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse only: changes go through the services (pages, API, admin actions), which
    validate, audit and notify.

    ``hidden_text_fields``: the text a moderator may have hidden (``hidden_at`` set); only
    moderators see it here, as on the pages. ``personal_fields``: shown only to those
    ``may_see_personal`` allows."""

    hidden_text_fields: tuple[str, ...] = ()
    personal_fields: tuple[str, ...] = ()

    def may_see_personal(self, request) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or ())
        if getattr(obj, "hidden_at", None) and not moderation.can_moderate(request.user):
            excluded += self.hidden_text_fields
        if not self.may_see_personal(request):
            excluded += self.personal_fields
        return excluded

    def get_fields(self, request, obj=None):
        names = self.fields or [
            field.name
            for field in self.model._meta.concrete_fields
            if not field.primary_key and field.name not in NEVER_SHOWN
        ]
        excluded = set(self.get_exclude(request, obj))
        return [name for name in names if name not in excluded]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields or ()

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Preferenze"), {"fields": ("preferred_language",)}),
    )
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "istat_code", "province")
    search_fields = ("name", "istat_code")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The log is append-only and written by services."""

    list_display = ("created_at", "actor_label", "verb", "object_repr")
    list_filter = ("verb",)
    search_fields = ("actor_label", "object_repr", "reason")
    date_hierarchy = "created_at"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "title", "read_at")
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Flag)
class FlagAdmin(ReadOnlyAdmin):
    """Reports of content; decided on the moderation queue's page."""

    list_display = ("created_at", "content_type", "object_id", "status", "reporter")
    list_filter = ("status", "content_type")
    list_select_related = ("reporter", "content_type")


@admin.register(ModerationEntry)
class ModerationEntryAdmin(ReadOnlyAdmin):
    """The public moderation log: what was hidden or restored, by whom and why."""

    list_display = ("created_at", "action", "object_label", "moderator")
    list_filter = ("action",)
    list_select_related = ("moderator",)
