"""Pages of the proposals app: list and export, detail with history and versions,
create and edit, transitions, partners, comments and endorsements (htmx), the moderation
queue and the evaluation page. Thin: forms parse, selectors fetch and authorize,
services act."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carta import csvexport, moderation
from carta.errors import CartaError, InvalidInput
from carta.pages import fetch, page_context, querystring, suggest_if_empty
from carta.views import apply_service_error
from proposals import diff, selectors, services
from proposals import permissions as perms
from proposals.forms import (
    CommentForm,
    PartnerRequestForm,
    ProposalFilterForm,
    ProposalForm,
    ReasonForm,
)
from proposals.models import TEXT_FIELDS, Partnership, Proposal, ProposalComment
from proposals.states import OPEN_STATES, TRANSITIONS, Role
from stakeholders import permissions as org_perms
from stakeholders import picker
from stakeholders.models import Resource
from stakeholders.selectors import organization_from_input, organization_named


def _filters(request):
    form = ProposalFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, {
        "q": data.get("q", ""),
        "state": data.get("state", ""),
        "area": data.get("area", ""),
        "organization": data.get("organization", "").strip() or None,
    }


# --- Lists ----------------------------------------------------------------------------


def proposal_list(request):
    form, filters = _filters(request)
    queryset = selectors.proposal_list(request.user, **filters)
    can_create = bool(perms.writable_organization_ids(request.user))
    context = {"form": form, "querystring": querystring(request), "can_create": can_create}
    context |= page_context(request, queryset)
    unsearched = partial(selectors.proposal_list, request.user, **(filters | {"q": ""}))
    suggest_if_empty(request, context, filters["q"], unsearched, "title")
    return render(request, "proposals/proposal_list.html", context)


def proposal_export(request):
    """CSV of the list with the same filters and the same visibility rule."""
    _form, filters = _filters(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="proposte.csv"'
    writer = csvexport.writer(response)
    writer.writerow(
        [
            _("id"),
            _("titolo"),
            _("organizzazione"),
            _("area"),
            _("stato"),
            _("stima del costo"),
            _("sostegni"),
            _("sintesi"),
        ]
    )
    for proposal in selectors.proposal_list(request.user, **filters):
        writer.writerow(
            [
                proposal.pk,
                proposal.title,
                proposal.organization.legal_name,
                proposal.get_area_display(),
                proposal.get_state_display(),
                proposal.budget_estimate,
                proposal.endorsement_count,
                proposal.summary,
            ]
        )
    return response


# --- Detail ---------------------------------------------------------------------------


def _version_diff(request, versions):
    numbers = [v.number for v in versions]
    if len(numbers) < 2:
        return None
    try:
        old = int(request.GET.get("da", numbers[-2]))
        new = int(request.GET.get("a", numbers[-1]))
    except ValueError:
        old, new = numbers[-2], numbers[-1]
    by_number = {v.number: v for v in versions}
    if old not in by_number or new not in by_number:
        return None
    a, b = by_number[old], by_number[new]
    texts = diff.diff_texts(
        {f: getattr(a, f) for f in TEXT_FIELDS},
        {f: getattr(b, f) for f in TEXT_FIELDS},
        TEXT_FIELDS,
    )
    labels = {f: Proposal._meta.get_field(f).verbose_name for f in TEXT_FIELDS}
    return {
        "old": a,
        "new": b,
        "redacted": [v for v in (a, b) if v.is_redacted],
        "fields": [(labels[f], parts, diff.changed(parts)) for f, parts in texts.items()],
    }


def _comment_context(request, proposal):
    user = request.user
    comments = [
        (comment, depth, not perms.can_read_comment(user, comment))
        for comment, depth in selectors.thread(selectors.comments_of(proposal))
    ]
    can_comment = (
        perms.can_participate(user) and proposal.state in OPEN_STATES and not proposal.is_hidden
    )
    organizations = services.member_organizations(user) if can_comment else None
    return {
        "comments": comments,
        "can_comment": can_comment,
        "comment_form": CommentForm(organizations=organizations) if can_comment else None,
    }


def _endorse_context(request, proposal):
    user = request.user
    summary = selectors.endorsement_summary(user, proposal)
    can_endorse = (
        perms.can_participate(user) and proposal.state in OPEN_STATES and not proposal.is_hidden
    )
    return {"proposal": proposal, "endorsements": summary, "can_endorse": can_endorse}


def proposal_detail(request, pk):
    user = request.user
    proposal = fetch(selectors.get_proposal_for, user, pk)
    partnerships = list(selectors.partnerships_of(proposal))
    proposal._prefetched_objects_cache = {"partnerships": partnerships}
    versions = list(selectors.versions_of(user, proposal))
    # The organizations the user writes for, and so the user's roles, read once.
    writable = perms.writable_organization_ids(user)
    roles = perms.roles_of(user, proposal, writable=writable)
    actions = [
        (name, t)
        for name, t in TRANSITIONS.items()
        if perms.can_transition(user, proposal, name, roles=roles)
    ]
    is_lead_author = perms.is_lead_author(user, proposal, writable=writable)
    invited = [p for p in partnerships if p.status == "invited"]
    represented = perms.represented_organization_ids(user) if invited else set()
    representing = [p for p in invited if p.organization_id in represented]
    can_invite = is_lead_author and proposal.state in ("draft", "changes_requested")
    askers = selectors.organizations_that_may_ask(proposal, partnerships, writable)
    context = {
        "proposal": proposal,
        "partnerships": partnerships,
        "resources": selectors.resources_of(user, proposal),
        "transitions": selectors.transitions_of(proposal),
        "versions": versions,
        "version_diff": _version_diff(request, versions),
        "actions": actions,
        "can_edit": perms.can_edit(user, proposal, roles=roles),
        "is_lead_author": is_lead_author,
        "can_invite": can_invite,
        "invite_picker": _invite_picker(request, proposal, partnerships) if can_invite else None,
        "representing": representing,
        "request_form": PartnerRequestForm(organizations=askers) if askers is not None else None,
        "can_moderate": moderation.can_moderate(user),
        "can_redact": perms.can_redact_version(user),
        "is_author": Role.AUTHORS in roles,
        **_comment_context(request, proposal),
        **_endorse_context(request, proposal),
    }
    return render(request, "proposals/proposal_detail.html", context)


# --- Create and edit ------------------------------------------------------------------


def _proposal_data(form) -> dict:
    data = dict(form.cleaned_data)
    data.pop("organization", None)
    data["resources"] = [r.pk for r in data.get("resources") or []]
    return data


@login_required
def proposal_create(request):
    organizations = org_perms.organizations_user_can_write_for(request.user)
    if not organizations.exists():
        raise PermissionDenied(
            _("Per scrivere una proposta occorre far parte di un'organizzazione.")
        )
    resources = Resource.objects.filter(organization__in=organizations).select_related(
        "organization"
    )
    form = ProposalForm(request.POST or None, resources=resources, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = _proposal_data(form)
        try:
            proposal = services.create_proposal(
                actor=request.user, organization=form.cleaned_data["organization"], **data
            )
        except CartaError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request, _("La bozza è stata salvata. Potrà essere presentata quando è pronta.")
            )
            return redirect(proposal)
    return render(
        request,
        "proposals/proposal_form.html",
        {"form": form, "creating": True},
        status=400 if form.errors else 200,
    )


@login_required
def proposal_edit(request, pk):
    proposal = fetch(selectors.get_proposal_for, request.user, pk, perm=perms.is_author)
    resources = Resource.objects.filter(
        organization_id__in=perms.author_organization_ids(proposal)
    ).select_related("organization")
    initial = {name: getattr(proposal, name) for name in services.PROPOSAL_FIELDS}
    initial["resources"] = list(proposal.resources.all())
    form = ProposalForm(request.POST or None, initial=initial, resources=resources)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_proposal(actor=request.user, proposal=proposal, **_proposal_data(form))
        except CartaError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Le modifiche sono state salvate."))
            return redirect(proposal)
    return render(
        request,
        "proposals/proposal_form.html",
        {"form": form, "proposal": proposal, "editable": perms.can_edit(request.user, proposal)},
        status=400 if form.errors else 200,
    )


@login_required
def proposal_transition(request, pk, action):
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise Http404
    proposal = fetch(
        selectors.get_proposal_for,
        request.user,
        pk,
        perm=lambda user, p: perms.may_attempt(user, p, action),
    )
    form = ReasonForm(
        request.POST if request.method == "POST" else None, required=transition.reason_required
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.transition_proposal(
                actor=request.user,
                proposal=proposal,
                action=action,
                reason=form.cleaned_data["reason"],
            )
        except CartaError as error:
            apply_service_error(form, error)
            status = error.status
        else:
            messages.success(
                request,
                _("Fatto: la proposta è ora nello stato «%(state)s».")
                % {"state": TRANSITIONS[action].target.label},
            )
            return redirect(proposal)
    elif form.errors:
        status = 400
    return render(
        request,
        "proposals/proposal_transition.html",
        {"form": form, "proposal": proposal, "transition": transition, "action": action},
        status=status,
    )


@login_required
@require_POST
def version_redact(request, pk, number):
    proposal = fetch(selectors.get_proposal_for, request.user, pk)
    version = fetch(selectors.get_version, request.user, proposal, number)
    _service_message(
        request,
        lambda: services.redact_version(
            actor=request.user, version=version, reason=request.POST.get("reason", "")
        ),
        _("Il testo della versione è stato oscurato."),
    )
    return redirect(proposal)


# --- Partners -------------------------------------------------------------------------


def _service_message(request, call, done: str):
    """Run a service for a form that posts and returns to the proposal: refusals are the
    page's 404 and 403, any other error is shown as a message."""
    try:
        fetch(call)
    except CartaError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)


def _organization(request):
    """The organization the partner form names (``InvalidInput`` when none or unknown)."""
    organization = organization_from_input(request.POST.get("organization"))
    if organization is None:
        raise InvalidInput(_("Indica l'organizzazione."), field="organization")
    return organization


def _invite_picker(request, proposal, partnerships) -> dict:
    """The search field naming the partner to invite; after a text that named none or
    several organizations (``?invita=``), the text kept, the matches and why."""
    typed = request.GET.get("invita", "")[:200]
    exclude = selectors.not_invitable(proposal, partnerships)
    error = ""
    if typed.strip():
        try:
            organization_named(typed, exclude=exclude)
        except InvalidInput as failure:
            error = str(failure.message)
    return picker.context(typed, field="organization", exclude=exclude, error=error)


@login_required
@require_POST
def partner_invite(request, pk):
    proposal = fetch(selectors.get_proposal_for, request.user, pk, perm=perms.is_author)
    exclude = selectors.not_invitable(proposal, proposal.partnerships.all())
    try:
        organization = picker.resolve(request.POST, "organization", exclude=exclude)
    except InvalidInput as failure:
        typed = request.POST.get(picker.search_name("organization"), "").strip()
        if not typed or request.POST.get("organization"):
            messages.error(request, str(failure.message))
            return redirect(proposal)
        # The page again, with the text kept and the organizations it matches to choose.
        query = urlencode({"invita": typed})
        return redirect(f"{proposal.get_absolute_url()}?{query}#invita-partner")
    if organization is None:
        messages.error(request, _("Indica l'organizzazione da invitare."))
        return redirect(proposal)
    _service_message(
        request,
        lambda: services.invite_partner(
            actor=request.user, proposal=proposal, organization=organization
        ),
        _("L'invito è stato inviato ai rappresentanti dell'organizzazione."),
    )
    return redirect(proposal)


@login_required
@require_POST
def partner_request(request, pk):
    proposal = fetch(selectors.get_proposal_for, request.user, pk)
    _service_message(
        request,
        lambda: services.request_partnership(
            actor=request.user, proposal=proposal, organization=_organization(request)
        ),
        _("La richiesta di adesione è stata inviata all'organizzazione proponente."),
    )
    return redirect(proposal)


@login_required
@require_POST
def partner_decide(request, pk, organization_id, decision):
    proposal = fetch(selectors.get_proposal_for, request.user, pk)
    partnership = Partnership.objects.filter(
        proposal=proposal, organization_id=organization_id
    ).first()
    if partnership is None or decision not in ("accetta", "rifiuta"):
        raise Http404
    _service_message(
        request,
        lambda: services.decide_partnership(
            actor=request.user, partnership=partnership, accept=decision == "accetta"
        ),
        _("La decisione è stata registrata."),
    )
    return redirect(proposal)


# --- Comments and endorsements (htmx partials) ----------------------------------------


@login_required
@require_POST
def comment_create(request, pk):
    proposal = fetch(selectors.get_proposal_for, request.user, pk)
    form = CommentForm(request.POST, organizations=services.member_organizations(request.user))
    status = 200
    if form.is_valid():
        parent = None
        if form.cleaned_data.get("parent"):
            parent = ProposalComment.objects.filter(
                proposal=proposal, pk=form.cleaned_data["parent"]
            ).first()
            if parent is None:
                raise Http404
        try:
            fetch(
                services.add_comment,
                actor=request.user,
                proposal=proposal,
                body=form.cleaned_data["body"],
                parent=parent,
                organization=form.cleaned_data.get("organization"),
            )
        except CartaError as error:
            apply_service_error(form, error)
            status = error.status
    else:
        status = 400
    if not request.htmx:
        if form.errors:
            messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        else:
            messages.success(request, _("Grazie: il commento è stato pubblicato."))
        return redirect(f"{proposal.get_absolute_url()}#commenti")
    context = {"proposal": proposal, **_comment_context(request, proposal)}
    if form.errors:
        context["comment_form"] = form
    return render(request, "proposals/includes/comments.html", context, status=status)


@login_required
@require_POST
def endorse(request, pk):
    proposal = fetch(selectors.get_proposal_for, request.user, pk)
    withdraw = request.POST.get("ritira") == "1"
    service = services.withdraw_endorsement if withdraw else services.endorse_proposal
    try:
        fetch(service, actor=request.user, proposal=proposal)
    except CartaError as error:
        messages.error(request, str(error.message))
    if not request.htmx:
        return redirect(proposal)
    return render(request, "proposals/includes/endorse.html", _endorse_context(request, proposal))


# --- Staff pages ----------------------------------------------------------------------


FLAGS_SHOWN = 50  # open flags on the moderation page, oldest first


@login_required
def moderation_queue(request):
    """Submitted proposals (paginated, oldest first) and open flags on proposals and their
    comments: a work queue, so the oldest ``FLAGS_SHOWN`` with the total; the next ones
    appear as these are decided. The page costs the same whatever the queue holds."""
    submitted = fetch(selectors.submitted_proposals, request.user)
    which = request.GET.get("contenuti", "proposte")
    flags = (
        moderation.open_flags()
        if which == "tutti"
        else moderation.open_flags(Proposal, ProposalComment)
    ).order_by("created_at", "id")
    shown = list(flags[:FLAGS_SHOWN])
    # Each row names the content by its public label, with an excerpt and its address.
    flagged = moderation.queue_items(shown)
    return render(
        request,
        "proposals/moderation_queue.html",
        {
            **page_context(request, submitted),
            "flagged": flagged,
            "flag_count": flags.count() if len(shown) == FLAGS_SHOWN else len(shown),
            "which": which,
        },
    )


@login_required
def evaluation(request):
    queryset = fetch(selectors.proposals_to_evaluate, request.user)
    return render(request, "proposals/evaluation.html", {**page_context(request, queryset)})
