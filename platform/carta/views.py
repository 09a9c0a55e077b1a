"""Pages of the platform core: home, accounts, notifications, audit log, legal pages."""

from __future__ import annotations

from urllib.parse import quote

from allauth.account import views as allauth_views
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import (
    Http404,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.template import loader
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from carta import (
    ambito,
    follows,
    identity,
    moderation,
    notification_kinds,
    pages,
    personal_area,
    preferences,
    ratelimit,
    selectors,
    services,
)
from carta.errors import CartaError, NotFound, RateLimited
from carta.forms import EraseAccountForm, ProfileForm, RegistrationForm
from carta.models import EmailDelivery
from carta.permissions import can_view_audit


def home(request):
    return render(request, "carta/home.html")


def accessibility(request):
    return render(request, "carta/accessibility.html")


def privacy(request):
    return render(request, "carta/privacy.html")


def apply_service_error(form, error: CartaError) -> None:
    """Show a service's refusal on the form, on its field when it names one."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


def _limited_form_response(view, error: RateLimited):
    """The page's form again with the limit's message, 429 and ``Retry-After``."""
    form = view.get_form()
    form.errors.clear()
    form.add_error(None, str(error.message))
    response = view.render_to_response(view.get_context_data(form=form))
    response.status_code = 429
    response["Retry-After"] = str(error.retry_after)
    return response


class LoginView(allauth_views.LoginView):
    """allauth's login (its stages: the second factor of those who have one), on Carta's
    page, limited per client address and account (429 past the limit)."""

    template_name = "carta/login.html"
    extra_context = {"gateways": identity.gateways}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The SPID/CIE buttons carry the same destination as the password form.
        context["next"] = self.get_next_url() or ""
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        return identity.allow_gateway_redirects(response)

    def post(self, request, *args, **kwargs):
        try:
            ratelimit.hit_login(
                request, request.POST.get("login") or request.POST.get("username", "")
            )
        except RateLimited as error:
            return _limited_form_response(self, error)
        return super().post(request, *args, **kwargs)


class AdminLoginView(LoginView):
    """``/admin/login/``: the same login, the same limits, the same second factor; the
    admin is for staff only."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if request.user.is_active and request.user.is_staff:
                return redirect(self.get_next_url() or reverse("admin:index"))
            messages.info(request, _("L'amministrazione del sito è riservata al personale."))
            return redirect("home")
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self):
        return self.get_next_url() or reverse("admin:index")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, limited per client address and address asked for; the
    answer is the same whether an account has the address or not."""

    template_name = "carta/password_reset.html"
    email_template_name = "carta/email/password_reset.txt"
    subject_template_name = "carta/email/password_reset_subject.txt"

    @property
    def extra_email_context(self):
        """Read when the email is sent, so that a change of settings is seen."""
        the_ambito = ambito.identity()
        return {"AMBITO_NAME": the_ambito.name, "AMBITO_SIGNATURE": the_ambito.email_signature()}

    def post(self, request, *args, **kwargs):
        try:
            ratelimit.hit_account_form(request, "reset", request.POST.get("email", ""))
        except RateLimited as error:
            return _limited_form_response(self, error)
        return super().post(request, *args, **kwargs)


def register(request):
    if request.user.is_authenticated:
        return redirect("profile")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST":
        try:
            ratelimit.hit_account_form(request, "register")
        except RateLimited as error:
            form.is_valid()
            form.errors.clear()
            form.add_error(None, str(error.message))
            response = render(request, "carta/register.html", {"form": form}, status=429)
            response["Retry-After"] = str(error.retry_after)
            return response
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.request_registration(
                request,
                username=data["username"],
                email=data["email"],
                password=data["password"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                preferred_language=data["preferred_language"],
            )
        except CartaError as error:
            apply_service_error(form, error)
        else:
            # The same page whether the address was new or already had an account.
            request.session["carta_registration_email"] = data["email"]
            response = redirect("registration_sent")
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, data["preferred_language"])
            return response
    return render(
        request, "carta/register.html", {"form": form}, status=400 if form.errors else 200
    )


def registration_sent(request):
    """After a registration: look for the email (the same page for every address)."""
    email = request.session.get("carta_registration_email", "")
    return render(request, "carta/registration_sent.html", {"email": email})


@login_required
@require_POST
def resend_confirmation(request):
    """Send the link that confirms one's address again (limited like registrations)."""
    try:
        ratelimit.hit_account_form(request, "register", request.user.email)
    except RateLimited as error:
        messages.error(request, str(error.message))
        return redirect("profile")
    if identity.send_confirmation(request, request.user):
        messages.success(
            request,
            _("Ti abbiamo inviato un nuovo link di conferma all'indirizzo %(email)s.")
            % {"email": request.user.email},
        )
    else:
        messages.info(request, _("Il tuo indirizzo email è già confermato."))
    return redirect("profile")


@login_required
def profile(request):
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "preferred_language": user.preferred_language,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(actor=user, **form.cleaned_data)
        except CartaError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Il profilo è stato aggiornato."))
            asked = form.cleaned_data.get("email") or ""
            if asked and asked.lower() != user.email.lower():
                messages.info(
                    request,
                    _(
                        "Ti abbiamo scritto all'indirizzo %(email)s: il nuovo indirizzo "
                        "sostituirà quello attuale quando lo confermerai con il link."
                    )
                    % {"email": asked},
                )
            response = redirect("profile")
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.preferred_language)
            return response
    context = {
        "form": form,
        "identity": identity.identity_of(user),
        "email_verified": identity.has_verified_email(user),
        "gateways": identity.gateways(),
    }
    response = render(request, "carta/profile.html", context, status=400 if form.errors else 200)
    return identity.allow_gateway_redirects(response)


@login_required
def erase_account(request):
    """The person erases their own account, after reading what that means."""
    user = request.user
    form = EraseAccountForm(request.POST or None, needs_password=user.has_usable_password())
    if request.method == "POST" and form.is_valid():
        try:
            services.erase_account(actor=user, password=form.cleaned_data.get("password"))
        except CartaError as error:
            apply_service_error(form, error)
        else:
            logout(request)
            messages.success(
                request, _("Il tuo account è stato cancellato. Grazie per aver partecipato.")
            )
            return redirect("home")
    return render(
        request, "carta/erase_account.html", {"form": form}, status=400 if form.errors else 200
    )


@require_POST
def set_language(request):
    """Switch the interface language; a signed-in person's profile follows the choice."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("home")
    response = redirect(next_url)
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.PRODUCTION,
        )
        if request.user.is_authenticated:
            services.update_profile(actor=request.user, preferred_language=language)
    return response


@login_required
def notifications(request):
    page = pages.CappedPaginator(selectors.notifications_for(request.user), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "carta/notifications.html",
        {"page": page, "unread": selectors.unread_count(request.user)},
    )


@login_required
@require_POST
def notifications_read(request):
    ids = request.POST.getlist("id")
    services.mark_notifications_read(
        actor=request.user, ids=[int(i) for i in ids if i.isdigit()] if ids else None
    )
    if request.htmx:
        return notifications(request)
    return redirect("notifications")


@never_cache
def audit_log(request):
    if not can_view_audit(request.user):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?next={request.path}")
        return render(request, "carta/403.html", status=403)
    entries = selectors.audit_entries_for(request.user)
    verb = request.GET.get("verb", "").strip()
    if verb:
        entries = entries.filter(verb__startswith=verb)
    actor = request.GET.get("actor", "").strip()
    if actor:
        entries = entries.filter(actor_label__iexact=actor)
    page = pages.CappedPaginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "carta/audit.html", {"page": page, "verb": verb, "actor": actor})


@never_cache
def healthz(request):
    """Liveness of the two things a request needs: the database and the channel layer."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    checks = {"database": "ok", "channel_layer": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        checks["database"] = "error"
    try:
        from asgiref.sync import async_to_sync
        from channels.layers import get_channel_layer

        layer = get_channel_layer()
        channel = async_to_sync(layer.new_channel)()
        async_to_sync(layer.send)(channel, {"type": "health.check"})
        message = async_to_sync(layer.receive)(channel)
        if message.get("type") != "health.check":
            checks["channel_layer"] = "error"
    except Exception:  # noqa: BLE001
        checks["channel_layer"] = "error"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


def bad_request(request, exception=None):
    """A request Django refuses before any view (too many form fields, a malformed
    multipart body): JSON in the one error shape under /api/, a plain page elsewhere."""
    if request.path.startswith("/api/"):
        from carta.api.errors import api_bad_request

        return api_bad_request(request, exception)
    return HttpResponseBadRequest(_("La richiesta non è valida."))


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        from carta.api.errors import api_not_found

        return api_not_found(request, exception)
    return render(request, "404.html", status=404)


def server_error(request):
    if request.path.startswith("/api/"):
        from carta.api.errors import api_server_error

        return api_server_error(request)
    # No request context: the page must render even when the database is down.
    return HttpResponseServerError(loader.render_to_string("500.html"))


# --- Moderation -----------------------------------------------------------------------


def _back(request):
    next_url = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("home")
    return redirect(next_url)


@require_POST
def moderation_action(request, action):
    """Page forms for flagging, hiding, restoring and asking a review, and for dismissing a
    flag (``respingi``, moderators only: anyone else a 404), then back to ``next``."""
    if action == "respingi":
        return _dismiss_flag(request)
    services_by_action = {
        "segnala": moderation.flag_content,
        "nascondi": moderation.hide_content,
        "ripristina": moderation.restore_content,
        "revisione": moderation.request_review,
    }
    service = services_by_action.get(action)
    if service is None:
        raise Http404
    if action == "segnala":
        try:
            ratelimit.hit(f"flag:{ratelimit.client_ip(request)}", limit=30, window=3600)
        except RateLimited as error:
            messages.error(request, str(error.message))
            return _back(request)
    try:
        target = moderation.get_target_for(
            request.user, request.POST.get("target_type", ""), request.POST.get("target_id")
        )
        service(actor=request.user, target=target, reason=request.POST.get("reason", ""))
    except NotFound:
        raise Http404 from None
    except CartaError as error:
        messages.error(request, str(error.message))
    else:
        done = {
            "segnala": _("Grazie: la segnalazione è stata inviata alla moderazione."),
            "nascondi": _("Il contenuto è stato nascosto."),
            "ripristina": _("Il contenuto è stato ripristinato."),
            "revisione": _("La richiesta di revisione è stata inviata."),
        }
        messages.success(request, done[action])
    return _back(request)


def _dismiss_flag(request):
    try:
        flag = moderation.get_flag_for(request.user, request.POST.get("flag_id"))
        moderation.dismiss_flag(
            actor=request.user, flag=flag, reason=request.POST.get("reason", "")
        )
    except NotFound:
        raise Http404 from None
    except CartaError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("La segnalazione è stata respinta: il contenuto resta visibile.")
        )
    return _back(request)


def moderation_log(request):
    page = pages.CappedPaginator(moderation.moderation_log(), 30).get_page(request.GET.get("page"))
    return render(request, "carta/moderation_log.html", {"page": page})


# --- The personal area, notification preferences, following ----------------------------


def _rendered_sections(request, *, limit, only: str = ""):
    awaiting = personal_area.awaiting_for(request.user)
    shown = []
    for section in personal_area.sections_for(request.user, limit=limit, only=only):
        context = {
            **section["context"],
            "awaiting": awaiting,
            "section_key": section["key"],
        }
        section["html"] = mark_safe(  # noqa: S308 - a template of the project, autoescaped
            render_to_string(section["template"], context, request=request)
        )
        section["more"] = limit is not None and section["context"].get("total", 0) > limit
        shown.append(section)
    return shown, awaiting


@login_required
def personal_area_page(request):
    """Where a person lands after signing in: their organizations with their role and
    what awaits them, their proposals, comments, votes and complaints, what they follow
    (sections registered by the apps, ``carta.personal_area``; a fixed number of
    queries, each list the latest ``personal_area.LIMIT``)."""
    sections, awaiting = _rendered_sections(request, limit=personal_area.LIMIT)
    followed = follows.followed_by(request.user, limit=personal_area.LIMIT)
    context = {
        "sections": sections,
        "personal_awaiting": awaiting.get(None, []),
        "followed": followed,
        "followed_total": follows.count_followed(request.user),
        "limit": personal_area.LIMIT,
        "unread": selectors.unread_count(request.user),
    }
    return render(request, "carta/personal_area.html", context)


@login_required
def personal_area_section(request, key):
    """The full list of one section of the personal area."""
    if key == "seguiti":
        context = pages.page_context(request, follows.follows_of(request.user))
        context |= {
            "followed": follows.describe(request.user, context["page_obj"].object_list),
            "full": True,
        }
        return render(request, "carta/personal_area_followed.html", context)
    sections, _awaiting = _rendered_sections(request, limit=None, only=key)
    if not sections:
        raise Http404
    return render(request, "carta/personal_area_section.html", {"section": sections[0]})


@login_required
def notification_preferences(request):
    """Per kind, in the app and by email; emails at once, as a daily digest, or none."""
    current = preferences.preferences_of(request.user)
    error = ""
    if request.method == "POST":
        kinds = {
            key: {
                "in_app": f"in_app.{key}" in request.POST,
                "email": f"email.{key}" in request.POST,
            }
            for key in notification_kinds.KINDS
        }
        try:
            preferences.set_notification_preferences(
                actor=request.user,
                email_delivery=request.POST.get("email_delivery", ""),
                kinds=kinds,
            )
        except CartaError as failure:
            error = str(failure.message)
        else:
            messages.success(request, _("Le tue preferenze sulle notifiche sono state salvate."))
            return redirect("notification_preferences")
    groups = [
        (group, [(kind, current["kinds"][kind.key]) for kind in kinds])
        for group, kinds in notification_kinds.grouped()
    ]
    context = {
        "groups": groups,
        "email_delivery": current["email_delivery"],
        "deliveries": EmailDelivery.choices,
        "error": error,
    }
    return render(
        request, "carta/notification_preferences.html", context, status=400 if error else 200
    )


def _safe_next(request, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(value, {request.get_host()}, request.is_secure()):
        return value
    return ""


def _follow_state(request, target, *, following: bool, next_url: str) -> dict:
    return {
        "obj": target,
        "spec": follows.spec_for(target),
        "signed_in": True,
        "following": following,
        "next": next_url,
    }


@require_http_methods(["GET", "POST"])
def follow(request):
    """Follow or stop following an object the person may see (hidden or unknown: 404).

    GET: the button in its current state (for htmx, the fragment that replaces the
    placeholder of ``{% follow_button %}``; otherwise a small page with it). POST
    (``action`` follow or unfollow): then back to ``next``, or, for htmx, the button."""
    data = request.POST if request.method == "POST" else request.GET
    next_url = _safe_next(request, data.get("next", ""))
    if not request.user.is_authenticated:
        if request.htmx and request.method == "GET":
            return render(
                request,
                "carta/includes/follow_button.html",
                {"spec": True, "signed_in": False, "next": next_url},
            )
        return redirect(f"{reverse('login')}?next={quote(next_url or request.get_full_path())}")
    action = data.get("action", "follow")
    if request.method == "POST" and action == "unfollow" and data.get("follow_id"):
        follows.unfollow(actor=request.user, follow_id=data.get("follow_id"))
        messages.success(request, _("Non segui più questa pagina."))
        return _back(request)
    try:
        target = follows.get_followable_for(
            request.user, data.get("target_type", ""), data.get("target_id", "")
        )
    except NotFound:
        raise Http404 from None
    if request.method == "GET":
        state = _follow_state(
            request,
            target,
            following=follows.is_following(request.user, target),
            next_url=next_url,
        )
        if request.htmx:
            return render(request, "carta/includes/follow_button.html", state)
        spec = state["spec"]
        state.update(label=spec.label(target), back=next_url or target.get_absolute_url())
        return render(request, "carta/follow.html", state)
    if action == "unfollow":
        follows.unfollow(actor=request.user, target=target)
    else:
        follows.follow(actor=request.user, target=target)
    if request.htmx:
        return render(
            request,
            "carta/includes/follow_button.html",
            _follow_state(request, target, following=action != "unfollow", next_url=next_url),
        )
    if action == "unfollow":
        messages.success(request, _("Non segui più questa pagina."))
    else:
        messages.success(
            request, _("Ora segui questa pagina: riceverai una notifica quando cambia.")
        )
    return redirect(next_url or target.get_absolute_url())
