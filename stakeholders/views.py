"""Pages of the stakeholders app: directory, profiles, applications and the staff queue,
members and invitations, the resource catalogue. Thin: forms parse, selectors fetch and
authorize, services act."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carta import ambito, attachments, moderation, opendata
from carta.errors import CartaError
from carta.pages import fetch as _fetch
from carta.pages import page_context, suggest_if_empty
from carta.pages import querystring as _querystring
from carta.permissions import is_staff_member
from carta.views import apply_service_error
from stakeholders import exports, pact, picker, selectors, services
from stakeholders import permissions as perms
from stakeholders.forms import (
    APPLICATION_DOCUMENTS,
    AddMemberForm,
    ApplyForm,
    DecisionForm,
    InviteForm,
    OrganizationFilterForm,
    OrganizationForm,
    PactForm,
    ResourceFilterForm,
    ResourceForm,
    RoleForm,
    StaffOrganizationFilterForm,
)
from stakeholders.models import OrganizationStatus, Visibility

User = get_user_model()


# --- Organizations --------------------------------------------------------------------


@login_required
def organization_choices(request):
    """The suggestions under an organization search field (``organization_picker.html``),
    loaded by htmx as one types: up to ten verified organizations as radio buttons (or
    check boxes, ``multipla=1``) named ``campo``, excluding the ids in ``escludi``."""
    field = request.GET.get("campo", "")
    if not field.isidentifier() or len(field) > 40:
        raise Http404
    context = picker.context(
        request.GET.get(picker.search_name(field), ""),
        field=field,
        multiple=request.GET.get("multipla") == "1",
        exclude=request.GET.get("escludi", "").split(","),  # the ids; anything else ignored
    )
    return render(request, "stakeholders/includes/organization_choices.html", context)


def organization_list(request):
    form_class = (
        StaffOrganizationFilterForm if is_staff_member(request.user) else OrganizationFilterForm
    )
    form = form_class(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    narrowing = {
        "kind": filters.get("kind", ""),
        "area": filters.get("area", ""),
        "municipality": filters["municipality"].pk if filters.get("municipality") else None,
        "status": filters.get("status", ""),
    }
    q = filters.get("q", "")
    queryset = selectors.organization_list(request.user, q=q, **narrowing)
    context = {"form": form, "querystring": _querystring(request)}
    context |= page_context(request, queryset)
    unsearched = partial(selectors.organization_list, request.user, q="", **narrowing)
    suggest_if_empty(request, context, q, unsearched, "legal_name")
    return render(request, "stakeholders/organization_list.html", context)


def _detail_context(request, organization, *, pact_form=None, pact_error="") -> dict:
    user = request.user
    resources = selectors.resource_list(user, organization=organization.pk)
    context = {
        "organization": organization,
        "municipalities": organization.municipalities.all(),
        "resources": resources,
        "can_change_profile": perms.can_change_profile(user, organization),
        "can_manage_members": perms.can_manage_members(user, organization),
        "can_view_members": perms.can_view_members(user, organization),
        "can_write": perms.can_write_for(user, organization),
        "can_decide": perms.can_decide(user),
        "is_member": perms.is_member(user, organization),
        "decision_form": DecisionForm(),
        "pact_to_renew": perms.pact_to_renew(organization),
        "can_moderate": moderation.can_moderate(user),
        "can_read_profile": perms.can_read_hidden_profile(user, organization),
        "may_reapply": organization.status == OrganizationStatus.REJECTED
        and perms.is_representative(user, organization),
    }
    if context["can_decide"]:
        # The earlier (rejected) applications with the same tax code (one query).
        context["earlier_applications"] = selectors.earlier_applications(organization)
        # Staff see before verifying whether the pact allows it (one query).
        context["pact_in_force"] = pact.revision_in_force_number()
    if perms.can_accept_pact(user, organization):
        # The representative's view: the pact's state against the revision in force,
        # what changed since the one signed, and the form to accept (three queries).
        state = selectors.pact_state(organization)
        context["pact"] = state
        if not state.current:
            if pact_form is None:
                pact_form = PactForm(initial={"revision_number": state.revision_in_force})
            context["pact_form"] = pact_form
            context["pact_error"] = pact_error
    return context


def organization_detail(request, pk):
    organization = _fetch(selectors.get_organization_for, request.user, pk)
    return render(
        request, "stakeholders/organization_detail.html", _detail_context(request, organization)
    )


@login_required
@require_POST
def organization_pact(request, pk):
    organization = _fetch(
        selectors.get_organization_for, request.user, pk, check=perms.can_accept_pact
    )
    form = PactForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            organization = services.accept_pact(
                actor=request.user,
                organization=organization,
                revision_number=form.cleaned_data["revision_number"],
            )
        except CartaError as refusal:
            if refusal.code == "pact_current":
                messages.info(request, str(refusal.message))
                return redirect(organization)
            # The form is shown again for the revision now in force, with the reason.
            form, error = None, str(refusal.message)
        else:
            messages.success(
                request,
                _("Grazie: il patto è ora sulla Carta in vigore. L'accettazione è registrata."),
            )
            return redirect(organization)
    return render(
        request,
        "stakeholders/organization_detail.html",
        _detail_context(request, organization, pact_form=form, pact_error=error),
        status=400,
    )


@login_required
def organization_apply(request):
    initial = _reapplication_initial(request)
    form = ApplyForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        documents = [(name, data.pop(name, None)) for name in APPLICATION_DOCUMENTS]
        documents = [(name, file) for name, file in documents if file]
        try:
            for _document in documents:
                attachments.count_upload(request)
            # The application and its documents together, or neither (carta.attachments).
            with transaction.atomic():
                organization = services.apply_organization(actor=request.user, **data)
                for name, file in documents:
                    attachments.add_attachment(
                        actor=request.user,
                        target=organization,
                        purpose=APPLICATION_DOCUMENTS[name],
                        upload=file,
                        field=name,
                        on_creation=True,
                    )
        except CartaError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Grazie: la domanda di adesione è stata registrata. L'Ufficio di Piano "
                    "la esaminerà e riceverete una notifica con l'esito."
                ),
            )
            return redirect(organization)
    return render(
        request,
        "stakeholders/organization_form.html",
        {"form": form, "applying": True},
        status=400 if form.errors else 200,
    )


def _reapplication_initial(request) -> dict | None:
    """``?da=<id>``: the representative of a rejected application presents it again,
    corrected; the form starts from its data (the rejected one stays as it was)."""
    if request.method != "GET" or not request.GET.get("da"):
        return None
    earlier = _fetch(
        selectors.get_organization_for,
        request.user,
        request.GET["da"],
        check=perms.is_representative,
    )
    if earlier.status != OrganizationStatus.REJECTED:
        raise Http404
    messages.info(
        request,
        _(
            "Stai ripresentando la domanda di %(name)s, che non è stata accolta (motivazione: "
            "«%(reason)s»). Correggi i dati e inviala di nuovo: la domanda precedente resta "
            "nello storico."
        )
        % {"name": earlier.legal_name, "reason": earlier.status_reason},
    )
    initial = {name: getattr(earlier, name) for name in services.ORGANIZATION_FIELDS}
    initial["municipalities"] = list(earlier.municipalities.all())
    return initial


@login_required
def organization_edit(request, pk):
    organization = _fetch(
        selectors.get_organization_for, request.user, pk, check=perms.can_change_profile
    )
    initial = {name: getattr(organization, name) for name in services.ORGANIZATION_FIELDS}
    initial["municipalities"] = list(organization.municipalities.all())
    form = OrganizationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organization(
                actor=request.user, organization=organization, **form.cleaned_data
            )
        except CartaError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Il profilo dell'organizzazione è stato aggiornato."))
            return redirect(organization)
    return render(
        request,
        "stakeholders/organization_form.html",
        {"form": form, "organization": organization},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def organization_decide(request, pk, decision):
    if decision not in services.DECISION_SERVICES:
        raise Http404
    organization = _fetch(selectors.get_organization_for, request.user, pk)
    if not perms.can_decide(request.user):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        services.DECISION_SERVICES[decision](
            actor=request.user,
            organization=organization,
            reason=form.cleaned_data.get("reason", ""),
        )
    except CartaError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("La decisione è stata registrata e comunicata all'organizzazione.")
        )
    if request.POST.get("next") == "queue":
        return redirect("organization_queue")
    return redirect(organization)


@login_required
def organization_queue(request):
    if not perms.can_decide(request.user):
        raise PermissionDenied
    queryset = selectors.pending_applications().prefetch_related("municipalities")
    pages = page_context(request, queryset)
    # Each application's statute and certificate, for the staff who verify (one query).
    pages["page_obj"].object_list = list(pages["page_obj"].object_list)
    attachments.attach_lists(pages["page_obj"].object_list)
    return render(
        request,
        "stakeholders/organization_queue.html",
        {
            "decision_form": DecisionForm(),
            "pact_in_force": pact.revision_in_force_number(),
            **pages,
        },
    )


# --- Members and invitations ----------------------------------------------------------


@login_required
def organization_members(request, pk):
    organization = _fetch(
        selectors.get_organization_for, request.user, pk, check=perms.can_view_members
    )
    can_manage = perms.can_manage_members(request.user, organization)
    add_form = AddMemberForm(prefix="add")
    invite_form = InviteForm(prefix="invite")
    invitation_link = None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        try:
            if "add-username" in request.POST:
                add_form = AddMemberForm(request.POST, prefix="add")
                if add_form.is_valid():
                    invitation, _token = services.invite_user(
                        actor=request.user, organization=organization, **add_form.cleaned_data
                    )
                    messages.success(
                        request,
                        _(
                            "L'invito è stato inviato a %(name)s: farà parte dell'organizzazione "
                            "quando lo accetterà."
                        )
                        % {"name": invitation.invitee.display_name},
                    )
                    return redirect("organization_members", pk=organization.pk)
            else:
                invite_form = InviteForm(request.POST, prefix="invite")
                if invite_form.is_valid():
                    invitation, token = services.invite_member(
                        actor=request.user, organization=organization, **invite_form.cleaned_data
                    )
                    messages.success(
                        request,
                        _("L'invito è stato inviato a %(email)s. Scade tra sette giorni.")
                        % {"email": invitation.email},
                    )
                    # Shown once, so that it can also be handed over in person.
                    invitation_link = request.build_absolute_uri(
                        reverse("invitation", args=[token])
                    )
                    invite_form = InviteForm(prefix="invite")
        except CartaError as error:
            target = add_form if "add-username" in request.POST else invite_form
            field = error.field if error.field in target.fields else None
            target.add_error(field, str(error.message))
    members = list(selectors.members_of(organization))
    role_forms = [
        (
            membership,
            RoleForm(
                initial={"role": membership.role, "can_vote": membership.can_vote},
                prefix=f"m{membership.user_id}",
            ),
        )
        for membership in members
    ]
    return render(
        request,
        "stakeholders/organization_members.html",
        {
            "organization": organization,
            "role_forms": role_forms,
            "can_manage": can_manage,
            "add_form": add_form,
            "invite_form": invite_form,
            "invitations": selectors.pending_invitations(organization) if can_manage else [],
            "invitation_link": invitation_link,
        },
        status=400 if (add_form.errors or invite_form.errors) else 200,
    )


def _member_user(organization, user_id):
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise Http404
    return user


@login_required
@require_POST
def member_role(request, pk, user_id):
    organization = _fetch(
        selectors.get_organization_for, request.user, pk, check=perms.can_manage_members
    )
    form = RoleForm(request.POST, prefix=f"m{user_id}")
    if form.is_valid():
        try:
            services.change_role(
                actor=request.user,
                organization=organization,
                user=_member_user(organization, user_id),
                **form.cleaned_data,
            )
        except CartaError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Il ruolo è stato aggiornato."))
    else:
        messages.error(request, _("Ruolo non valido."))
    return redirect("organization_members", pk=organization.pk)


@login_required
@require_POST
def member_remove(request, pk, user_id):
    organization = _fetch(
        selectors.get_organization_for, request.user, pk, check=perms.can_manage_members
    )
    try:
        services.remove_member(
            actor=request.user, organization=organization, user=_member_user(organization, user_id)
        )
    except CartaError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("La persona non fa più parte dell'organizzazione."))
    return redirect("organization_members", pk=organization.pk)


@login_required
@require_POST
def invitation_revoke(request, pk, invitation_id):
    organization = _fetch(
        selectors.get_organization_for, request.user, pk, check=perms.can_manage_members
    )
    invitation = _fetch(selectors.get_pending_invitation, organization, invitation_id)
    try:
        services.revoke_invitation(actor=request.user, invitation=invitation)
    except CartaError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("L'invito a %(email)s è stato revocato.") % {"email": invitation.email}
        )
    return redirect("organization_members", pk=organization.pk)


@login_required
@require_POST
def organization_leave(request, pk):
    organization = _fetch(selectors.get_organization_for, request.user, pk)
    try:
        services.leave_organization(actor=request.user, organization=organization)
    except CartaError as error:
        messages.error(request, str(error.message))
        return redirect(organization)
    messages.success(
        request,
        _("Non fai più parte dell'organizzazione %(name)s.") % {"name": organization.legal_name},
    )
    return redirect("organizations")


def invitation(request, token):
    invitation = _fetch(selectors.invitation_for_token, token)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            if request.POST.get("decision") == "accept":
                services.accept_invitation(actor=request.user, token=token)
                messages.success(
                    request,
                    _("Benvenuta o benvenuto in %(name)s.")
                    % {"name": invitation.organization.legal_name},
                )
                return redirect(invitation.organization)
            services.decline_invitation(actor=request.user, token=token)
            messages.info(request, _("Hai rifiutato l'invito."))
            return redirect("home")
        except CartaError as error:
            messages.error(request, str(error.message))
            invitation.refresh_from_db()
    return render(
        request,
        "stakeholders/invitation.html",
        {
            "invitation": invitation,
            "addressed_to_you": request.user.is_authenticated
            and invitation.is_addressed_to(request.user),
        },
    )


# --- Resources ------------------------------------------------------------------------


def resource_list(request):
    form = ResourceFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    narrowing = {
        "kind": filters.get("kind", ""),
        "area": filters.get("area", ""),
        "municipality": filters["municipality"].pk if filters.get("municipality") else None,
    }
    q = filters.get("q", "")
    queryset = selectors.resource_list(request.user, q=q, **narrowing)
    context = {
        "form": form,
        "querystring": _querystring(request),
        "can_register": request.user.is_authenticated
        and perms.organizations_user_can_write_for(request.user).exists(),
    }
    context |= page_context(request, queryset)
    unsearched = partial(selectors.resource_list, request.user, q="", **narrowing)
    suggest_if_empty(request, context, q, unsearched, "title")
    return render(request, "stakeholders/resource_list.html", context)


def resource_detail(request, pk):
    resource = _fetch(selectors.get_resource_for, request.user, pk)
    return render(
        request,
        "stakeholders/resource_detail.html",
        {
            "resource": resource,
            "municipalities": resource.municipalities.all(),
            "can_write": perms.can_write_for(request.user, resource.organization),
            "network_only": resource.visibility == Visibility.NETWORK,
            "can_moderate": moderation.can_moderate(request.user),
        },
    )


@login_required
def resource_create(request):
    organizations = perms.organizations_user_can_write_for(request.user)
    if not organizations.exists():
        raise PermissionDenied(
            _(
                "Per registrare una risorsa devi essere redattore o rappresentante "
                "di un'organizzazione."
            )
        )
    initial = {}
    if request.GET.get("organization"):
        initial["organization"] = request.GET["organization"]
    form = ResourceForm(request.POST or None, organizations=organizations, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            resource = services.create_resource(actor=request.user, **data)
        except CartaError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("La risorsa è stata registrata."))
            return redirect(resource)
    return render(
        request,
        "stakeholders/resource_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
def resource_edit(request, pk):
    resource = _fetch(selectors.get_resource_for, request.user, pk, for_write=True)
    initial = {name: getattr(resource, name) for name in services.RESOURCE_FIELDS}
    initial["municipalities"] = list(resource.municipalities.all())
    form = ResourceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_resource(actor=request.user, resource=resource, **form.cleaned_data)
        except CartaError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("La risorsa è stata aggiornata."))
            return redirect(resource)
    return render(
        request,
        "stakeholders/resource_form.html",
        {"form": form, "resource": resource},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def resource_delete(request, pk):
    resource = _fetch(selectors.get_resource_for, request.user, pk, for_write=True)
    organization = resource.organization
    services.delete_resource(actor=request.user, resource=resource)
    messages.success(request, _("La risorsa è stata eliminata."))
    return redirect(organization)


# --- Open data (stakeholders.exports; docs/open-data.md) ------------------------------


def _public_filters(form_class, request) -> dict:
    """The list page's filters, without the staff's status filter: the download is the
    public directory whoever asks."""
    form = form_class(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return {
        "q": filters.get("q", ""),
        "kind": filters.get("kind", ""),
        "area": filters.get("area", ""),
        "municipality": filters["municipality"].pk if filters.get("municipality") else None,
    }


def organizations_download(request, fmt):
    """The public directory as CSV or JSON, streamed, with the open-data licence."""
    filters = _public_filters(OrganizationFilterForm, request)
    if fmt == "csv":
        return opendata.csv_download(
            request,
            exports.ORGANIZATION_COLUMNS,
            exports.organization_rows(**filters),
            "organizzazioni.csv",
        )
    return opendata.json_download(
        request,
        {"dataset": "organizzazioni", "ambito": ambito.identity().name},
        "organizations",
        exports.organization_records(**filters),
        "organizzazioni.json",
    )


def resources_download(request, fmt):
    """The public resources as CSV or JSON, streamed, with the open-data licence."""
    filters = _public_filters(ResourceFilterForm, request)
    if fmt == "csv":
        return opendata.csv_download(
            request, exports.RESOURCE_COLUMNS, exports.resource_rows(**filters), "risorse.csv"
        )
    return opendata.json_download(
        request,
        {"dataset": "risorse", "ambito": ambito.identity().name},
        "resources",
        exports.resource_records(**filters),
        "risorse.json",
    )
