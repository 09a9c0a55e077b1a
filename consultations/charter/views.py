"""Pages of the Carta: the Carta in force and its catalogue, revisions and their history,
comparisons, comments and amendments, the consultation report, exports, drafting and the
Markdown import. Thin: forms parse, selectors fetch and authorize, services act."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carta import ratelimit
from carta.dates import on_date
from carta.errors import CartaError, NotAllowed, NotFound, RateLimited
from carta.markdown import render_markdown
from carta.pages import fetch as _fetch
from carta.pages import querystring as _querystring
from carta.views import apply_service_error
from consultations.charter import exports, passages, selectors, services
from consultations.charter import permissions as perms
from consultations.charter.diff import labelled, word_diff
from consultations.charter.draft_flags import flags_for as draft_flags_for
from consultations.charter.forms import (
    AdoptForm,
    AmendmentForm,
    CommentForm,
    ConsultationPhaseForm,
    DecisionForm,
    DraftForm,
    ImportForm,
    OutcomeForm,
    RevisionForm,
    SectionForm,
    ServiceFilterForm,
    ServiceForm,
)
from consultations.charter.models import Amendment, AmendmentKind, RevisionStatus, Service
from consultations.charter.service_extras import render_service_extras
from stakeholders.selectors import organization_from_input

PAGE_SIZE = 20  # revisions and services per page
# A section's comment threads on the revision page: the three most recent, with a link to
# all of them (``?sezione=<key>``, paginated), so that the page does not grow with a lively
# consultation (issue 16: 1,213 KB with 1,007 comments before).
SECTION_THREADS = 3
SECTION_PAGE = 20

# The forms the revision page loads only when asked (``carta_tags.on_demand``): the query
# parameter that asks for one and its template. With 1,007 comments a signed-in reader's
# page carried 133 forms (244 KB) and the administrator's 223 (454 KB) before.
ON_DEMAND = {
    "rispondi": "consultations/forms/reply.html",
    "esito": "consultations/forms/outcome.html",
    "segnala": "consultations/forms/flag_comment.html",
    "modera": "consultations/forms/moderate_comment.html",
    "commenta": "consultations/forms/section_comment.html",
    "emenda": "consultations/forms/section_amendment.html",
    "emenda-servizio": "consultations/forms/service_amendment.html",
}
# Those of them that act on a comment: ``?rispondi=<id>`` opens the comment's page too.
COMMENT_FORMS = ("rispondi", "esito", "segnala", "modera")


def _require_editor(request):
    """For the drafting pages: a login redirect for visitors, 403 for non-editors."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not perms.can_edit_carta(request.user):
        raise PermissionDenied
    return None


def _editable_revision(request, pk):
    """Fetch-and-authorize for the drafting pages of one revision: a login redirect for
    visitors, 404 for a revision the user may not read, 403 for a reader who is not an
    editor. Returns ``(revision, None)`` or ``(None, redirect)``."""
    if not request.user.is_authenticated:
        return None, redirect_to_login(request.get_full_path())
    revision = _fetch(selectors.get_revision_for, request.user, pk)
    if not perms.can_edit_carta(request.user):
        raise PermissionDenied
    return revision, None


# --- The Carta in force and its catalogue ---------------------------------------------


def carta_in_force(request):
    revision = selectors.revision_in_force()
    context = {
        "revision": revision,
        "in_force": True,
        "consultation": selectors.revision_in_consultation(),
        "scheduled": selectors.revision_scheduled(),
    }
    if revision is not None:
        context.update(
            outline=selectors.section_outline(revision),
            services=list(selectors.services_of(revision)),
            pdf_available=exports.pdf_available(),
        )
    return render(request, "consultations/carta_in_force.html", context)


def service_list(request):
    form = ServiceFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.services_in_force(area=filters.get("area", ""), q=filters.get("q", ""))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "consultations/service_list.html",
        {
            "form": form,
            "page_obj": page,
            "paginator": page.paginator,
            "revision": selectors.revision_in_force(),
            "querystring": _querystring(request),
        },
    )


def service_detail(request, key):
    service = _fetch(selectors.get_service_for, request.user, key)
    return render(
        request,
        "consultations/service_detail.html",
        {"service": service, "extras": render_service_extras(request, service)},
    )


# --- Revisions ------------------------------------------------------------------------


def revision_list(request):
    queryset = selectors.revision_list(request.user)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "consultations/revision_list.html",
        {"page_obj": page, "can_edit": perms.can_edit_carta(request.user)},
    )


def _phase_initial(revision) -> dict:
    from django.utils import timezone

    return {
        name: timezone.localtime(value).date()
        for name, value in (
            ("closes_at", revision.consultation_closes_at),
            ("organizations_close_at", revision.organizations_close_at),
        )
        if value
    }


def revision_detail(
    request,
    pk,
    *,
    adopt_form=None,
    phase_form=None,
    comment_form=None,
    amendment_form=None,
    status=200,
):
    """The revision page; ``adopt_form``, ``phase_form`` (opening or extending the
    consultation), ``comment_form`` and ``amendment_form`` are the forms sent back with
    their errors (and the typed values) when the service refused them: the section's (or
    comment's, or service's) form is shown open with the message next to the field."""
    user = request.user
    revision = _fetch(selectors.get_revision_for, user, pk)
    phase = perms.consultation_phase(revision)
    kind, target = _asked_form(request)
    if kind and request.htmx and not (comment_form or amendment_form):
        return _on_demand_form(request, revision, phase, kind, target)
    # Every comment light (where it is, its passage), the shown threads in full below.
    stubs = selectors.comment_stubs(user, revision)
    amendments = list(selectors.amendments_for(user, revision))
    by_section: dict[str, list] = {}
    all_by_section: dict[str, list] = {}
    for stub in stubs:
        all_by_section.setdefault(stub.section_key, []).append(stub)
        if stub.parent_id is None:
            by_section.setdefault(stub.section_key, []).append(stub)
    expanded, focus = _expanded_section(
        request, stubs, comment_form, target if kind in COMMENT_FORMS else None
    )
    amendments_by_key: dict[str, list] = {}
    for amendment in amendments:
        amendment.ops = word_diff(amendment.base_text, amendment.new_text)
        amendments_by_key.setdefault(amendment.target_key, []).append(amendment)
    can_participate, organizations, organizations_only = _participation(user, revision, phase)
    outline = selectors.section_outline(revision)
    for node in outline:
        key = node.section.key
        _shown_threads(request, node, by_section.get(key, []), expanded, focus)
        node.amendments = amendments_by_key.get(key, [])
        # The commented passages marked in the text (hidden comments never are).
        node.body_html = passages.highlighted(
            node.section.body, all_by_section.get(key, []), describedby=f"passaggi-{key}"
        )
        node.has_passages = any(
            getattr(c, "passage_anchor", "") for c in all_by_section.get(key, [])
        )
        node.comment_form = _form_for(comment_form, section_key=key, parent="")
        node.amendment_form = _form_for(amendment_form, kind="section", target_key=key)
    _read_shown_threads(user, revision, outline, stubs, comment_form)
    service_list_ = list(selectors.services_of(revision))
    # What the editors of a draft should look at again (missed commitments, founded
    # complaints in the revision it was copied from): editors only.
    flags = draft_flags_for(revision) if perms.can_edit_carta(user) and revision.is_open else {}
    for service in service_list_:
        service.amendments = amendments_by_key.get(service.key, [])
        service.amendment_form = _form_for(amendment_form, kind="service", target_key=service.key)
        service.draft_flags = flags.get(service.key, [])
    others = [r for r in selectors.revision_list(user) if r.pk != revision.pk]
    context = {
        "revision": revision,
        "outline": outline,
        "services": service_list_,
        "can_participate": can_participate,
        "phase": phase,
        "organizations_only": organizations_only,
        "phase_form": phase_form
        or ConsultationPhaseForm(
            initial=_phase_initial(revision) if phase == perms.PHASE_OPEN else None
        ),
        "can_edit": perms.can_edit_carta(user) and revision.is_open,
        "can_decide": perms.can_decide(user),
        "can_moderate": perms.can_moderate(user),
        "organizations": organizations,
        "supported": selectors.supported_by(user, amendments),
        "others": others,
        "default_against": revision.based_on_id or (others[0].pk if others else None),
        "outcome_form": OutcomeForm(),
        "adopt_form": (
            (adopt_form or AdoptForm())
            if revision.status == RevisionStatus.IN_CONSULTATION
            else None
        ),
        "decision_form": DecisionForm(),
        "pdf_available": exports.pdf_available(),
        "service_fields": AmendmentForm().fields["field"].choices,
        "comment_count": len(stubs),
        "history": selectors.revision_history(revision),
        # The votes on the revision (the voting app's provider) and where to prepare one.
        "votes": selectors.votes_on(revision),
        "vote_create_url": selectors.vote_create_url(user, revision),
        # What is still missing before adoption: editors only, while the text is open.
        "readiness": (
            _readiness_on_page(selectors.readiness_for(user, revision), revision, stubs, outline)
            if perms.can_edit_carta(user) and revision.is_open
            else None
        ),
        "on_demand_templates": ON_DEMAND,
        "on_demand_asked": f"{kind}={target}" if kind else "",
    }
    response = render(request, "consultations/revision_detail.html", context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


# Open items of one kind the revision page lists before "e altri N" (all of them: the API's
# readiness, and the comments without an outcome section by section).
READINESS_SHOWN = 10


def _readiness_on_page(readiness: dict, revision, comments: list, outline: list) -> dict:
    """What is missing before adoption as the page shows it: at most ``READINESS_SHOWN``
    items of each kind (``groups``: ``items`` and ``more``), and how many of the
    revision's comments still have no outcome in each section (``sections``: ``node``
    of the outline and ``count``), counted from the comments the page has already read
    (no query). 1,007 open items made a list of 129 KB before."""
    groups: dict[str, dict] = {}
    for item in readiness["items"]:
        group = groups.setdefault(item.kind, {"kind": item.kind, "items": [], "more": 0})
        if len(group["items"]) < READINESS_SHOWN:
            group["items"].append(item)
        else:
            group["more"] += 1
    waiting: dict[str, int] = {}
    for comment in comments:
        if comment.parent_id is None and comment.revision_id == revision.pk and not comment.outcome:
            waiting[comment.section_key] = waiting.get(comment.section_key, 0) + 1
    sections = [
        {"node": node, "count": waiting[node.section.key]}
        for node in outline
        if node.section.key in waiting
    ]
    return {**readiness, "groups": list(groups.values()), "sections": sections}


def _participation(user, revision, phase) -> tuple[bool, list, bool]:
    """``(can_participate, organizations, organizations_only)``: whether ``user`` may
    comment and amend now, the organizations they may sign for, and whether only those
    may (after the general closing date only contributions in an organization's name)."""
    can_participate = (
        perms.can_participate(user, revision) and revision.is_open and phase != perms.PHASE_CLOSED
    )
    organizations = list(perms.organizations_user_can_act_for(user)) if can_participate else []
    organizations_only = phase == perms.PHASE_ORGANIZATIONS
    if organizations_only and not organizations:
        can_participate = False
    return can_participate, organizations, organizations_only


def _asked_form(request) -> tuple[str, str]:
    """The form on demand the request asks for (``?rispondi=12``): its kind and target,
    or two empty strings."""
    for kind in ON_DEMAND:
        if kind in request.GET:
            return kind, request.GET[kind]
    return "", ""


def _on_demand_form(request, revision, phase, kind: str, target: str):
    """One form of the revision page alone, for htmx (``carta_tags.on_demand``): 404 for
    a comment, section or service the reader cannot see, 403 where the reader may not act
    (the page's own conditions for showing the link, read again here)."""
    user = request.user
    can_participate, organizations, organizations_only = _participation(user, revision, phase)
    context = {
        "revision": revision,
        "organizations": organizations,
        "organizations_only": organizations_only,
        "f": None,
        "on_demand_open": True,
    }
    if kind in COMMENT_FORMS:
        if not target.isdigit():
            raise Http404
        comment = _fetch(selectors.get_comment_for, user, revision, int(target))
        own = comment.parent_id is None and comment.revision_id == revision.pk
        allowed = {
            "rispondi": can_participate and own and not comment.is_hidden,
            "esito": perms.can_decide(user) and own,
            "segnala": user.is_authenticated and not comment.is_hidden,
            "modera": perms.can_moderate(user),
        }[kind]
        context.update(comment=comment, outcome_form=OutcomeForm())
    elif kind == "emenda-servizio":
        context["service"] = revision.services.filter(key=target).first()
        context["service_fields"] = AmendmentForm().fields["field"].choices
        allowed = can_participate and context["service"] is not None
    else:
        context["section"] = revision.sections.filter(key=target).first()
        allowed = can_participate and context["section"] is not None
    if not allowed:
        if "service" in context or "section" in context:
            raise Http404
        raise PermissionDenied
    response = render(request, ON_DEMAND[kind], context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _expanded_section(
    request, comments, comment_form=None, asked_for=None
) -> tuple[str, int | None]:
    """The section whose comments are all shown (``?sezione=<key>``, or the section of
    ``?commento=<id>``, a link to one comment, of the thread a refused reply was for, or of
    ``asked_for``, the comment a form on demand was asked for), and the thread (its first
    comment's id) to show the page of."""
    asked = comment_form.data.get("parent") if comment_form is not None else None
    try:
        wanted = int(asked or asked_for or request.GET.get("commento", ""))
    except ValueError:
        wanted = None
    if wanted is not None:
        by_id = {comment.pk: comment for comment in comments}
        comment = by_id.get(wanted)
        while comment is not None and comment.parent_id in by_id:
            comment = by_id[comment.parent_id]
        if comment is not None:
            return comment.section_key, comment.pk
    return request.GET.get("sezione", ""), None


def _shown_threads(request, node, threads: list, expanded: str, focus: int | None) -> None:
    """A section's threads on the revision page: the ``SECTION_THREADS`` most recent
    (``node.comments_earlier`` counts the others), or, for the section asked, all of them
    ``SECTION_PAGE`` a page (``node.comments_page``), on the page of ``focus``."""
    node.comments_total = len(threads)
    node.comments_earlier = 0
    node.comments_page = None
    if node.section.key == expanded:
        number = request.GET.get("page")
        if focus is not None:
            index = next((i for i, t in enumerate(threads) if t.pk == focus), 0)
            number = index // SECTION_PAGE + 1
        page = Paginator(threads, SECTION_PAGE).get_page(number)
        node.comments = list(page.object_list)
        node.comments_page = page
    elif len(threads) > SECTION_THREADS:
        node.comments = threads[-SECTION_THREADS:]
        node.comments_earlier = len(threads) - SECTION_THREADS
    else:
        node.comments = threads


def _read_shown_threads(user, revision, outline, stubs: list, comment_form) -> None:
    """Put in place of each section's shown threads (``CommentStub``, chosen by
    ``_shown_threads``) the comments in full, with their replies (``thread``), their
    passage's anchor and, for the one a refused reply was for, its form: one read of
    only what the page shows."""
    children: dict[int, list] = {}
    for stub in stubs:
        if stub.parent_id is not None:
            children.setdefault(stub.parent_id, []).append(stub)
    shown = [stub for node in outline for stub in node.comments]
    wanted, anchors = set(), {}
    while shown:
        stub = shown.pop()
        wanted.add(stub.pk)
        anchors[stub.pk] = stub.passage_anchor
        shown.extend(children.get(stub.pk, []))
    full = selectors.comments_for(user, revision, ids=wanted) if wanted else []
    for comment in full:
        comment.passage_anchor = anchors.get(comment.pk, "")
    by_pk = {comment.pk: comment for comment in selectors.threads(full)}
    for node in outline:
        node.comments = [by_pk[stub.pk] for stub in node.comments if stub.pk in by_pk]
        for comment in node.comments:
            comment.reply_form = _form_for(comment_form, parent=str(comment.pk))


def _form_for(form, **values):
    """``form`` when it was sent for the place named by ``values`` (its posted data),
    else None: the page opens that one form again, with the typed text."""
    if form is None:
        return None
    if all((form.data.get(name) or "") == value for name, value in values.items()):
        return form
    return None


def revision_by_number(request, number):
    """``/carta/revisioni/numero/<n>/``: the revision by its public number (used by the
    pact on an organization's profile, which records the number)."""
    revision = selectors.revision_list(request.user).filter(number=number).first()
    if revision is None:
        raise Http404
    return redirect(revision)


def revision_diff(request, pk):
    user = request.user
    revision = _fetch(selectors.get_revision_for, user, pk)
    against = request.GET.get("con") or revision.based_on_id
    others = [r for r in selectors.revision_list(user) if r.pk != revision.pk]
    other = changes = None
    error = ""
    if against:
        try:
            other, changes = selectors.revision_diff(user, revision, against)
            changes = labelled(changes)
        except NotFound:
            raise Http404 from None
        except CartaError as exc:
            error = str(exc.message)
    return render(
        request,
        "consultations/revision_diff.html",
        {
            "revision": revision,
            "other": other,
            "changes": changes,
            "others": others,
            "error": error,
        },
    )


def print_view(request, pk=None):
    """The print-ready page of a revision (the one in force without ``pk``)."""
    revision = _print_revision(request, pk)
    return render(request, "consultations/print.html", _print_context(revision))


def _print_revision(request, pk):
    if pk is None:
        revision = selectors.revision_in_force()
        if revision is None:
            raise Http404(_("Non c'è ancora una Carta in vigore."))
        return revision
    return _fetch(selectors.get_revision_for, request.user, pk)


def _print_context(revision) -> dict:
    return {
        "revision": revision,
        "outline": selectors.section_outline(revision),
        "services": list(selectors.services_of(revision)),
    }


def pdf_view(request, pk=None):
    revision = _print_revision(request, pk)
    if not exports.pdf_available():
        return render(
            request, "consultations/pdf_unavailable.html", {"revision": revision}, status=503
        )
    pdf = exports.render_pdf("consultations/print.html", _print_context(revision), request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="carta-revisione-{revision.number}.pdf"'
    return response


def open_data_view(request, pk=None):
    return exports.open_data_response(_print_revision(request, pk))


# --- The consultation report ----------------------------------------------------------


def report_view(request, pk):
    revision = _fetch(selectors.get_revision_for, request.user, pk)
    report = selectors.report(revision)
    return render(
        request,
        "consultations/report.html",
        {**report, "pdf_available": exports.pdf_available()},
    )


def report_csv_view(request, pk):
    revision = _fetch(selectors.get_revision_for, request.user, pk)
    report = selectors.report(revision)
    response = HttpResponse(
        exports.report_csv(report),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="resoconto-consultazione-{revision.number}.csv"'
    )
    return response


def report_pdf_view(request, pk):
    revision = _fetch(selectors.get_revision_for, request.user, pk)
    if not exports.pdf_available():
        return render(
            request, "consultations/pdf_unavailable.html", {"revision": revision}, status=503
        )
    pdf = exports.render_pdf("consultations/report_print.html", selectors.report(revision), request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="resoconto-consultazione-{revision.number}.pdf"'
    )
    return response


# --- Drafting -------------------------------------------------------------------------


def draft_create(request):
    if (refusal := _require_editor(request)) is not None:
        return refusal
    revisions = list(selectors.revision_list(request.user))
    form = DraftForm(request.POST or None, revisions=revisions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        source = next((r for r in revisions if r.pk == data["source"]), None)
        try:
            revision = services.create_draft(
                actor=request.user,
                title=data["title"],
                summary_of_changes=data["summary_of_changes"],
                source=source,
                empty=not revisions,
            )
        except CartaError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("La bozza è stata creata."))
            return redirect(revision)
    return render(request, "consultations/draft_form.html", {"form": form})


def import_view(request):
    if (refusal := _require_editor(request)) is not None:
        return refusal
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            revision = services.import_markdown(
                actor=request.user,
                data=upload.read(),
                filename=upload.name,
                title=form.cleaned_data["title"],
            )
        except CartaError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "La Carta è stata importata come bozza: controlla le sezioni "
                    "prima di proseguire."
                ),
            )
            return redirect(revision)
    return render(request, "consultations/import_form.html", {"form": form})


def revision_edit(request, pk):
    revision, refusal = _editable_revision(request, pk)
    if refusal is not None:
        return refusal
    form = RevisionForm(
        request.POST or None,
        initial={"title": revision.title, "summary_of_changes": revision.summary_of_changes},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_revision(actor=request.user, revision=revision, **form.cleaned_data)
        except CartaError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Le modifiche sono state salvate."))
            return redirect(revision)
    return render(request, "consultations/revision_form.html", {"form": form, "revision": revision})


def section_edit(request, pk, key=None):
    """A section of a draft, created or changed. The form names the other sections by
    their titles; "Anteprima" (``preview``) shows the text as it will read, without
    saving (the page's script asks ``section_preview`` for it without reloading)."""
    revision, refusal = _editable_revision(request, pk)
    if refusal is not None:
        return refusal
    outline = selectors.section_outline(revision)
    section = next((n.section for n in outline if n.section.key == key), None) if key else None
    if key and section is None:
        raise Http404
    initial = (
        {"heading": section.heading, "parent_key": section.parent_key, "body": section.body}
        if section
        else {}
    )
    form = SectionForm(request.POST or None, initial=initial, outline=outline, section=section)
    preview = None
    status = 200
    if request.method == "POST" and "anteprima" in request.POST:
        # Not saved, not checked yet: the typed values again, with the text rendered.
        form = SectionForm(
            initial=request.POST.dict(), outline=outline, section=section, auto_id="id_%s"
        )
        try:
            preview = _preview(request, request.POST.get("body", ""))
        except RateLimited as error:
            messages.error(request, str(error.message))
            status = 429
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_section(
                actor=request.user,
                revision=revision,
                key=section.key if section else data["key"],
                heading=data["heading"],
                body=data["body"],
                parent_key=data["parent_key"],
                position=form.position(),
            )
        except CartaError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("La sezione è stata salvata."))
            return redirect(
                f"{revision.get_absolute_url()}#sezione-{section.key if section else data['key']}"
            )
    number = next((n.number for n in outline if section and n.section.pk == section.pk), "")
    return render(
        request,
        "consultations/section_form.html",
        {
            "form": form,
            "revision": revision,
            "section": section,
            "number": number,
            "preview": preview,
        },
        status=400 if request.method == "POST" and form.is_bound else status,
    )


PREVIEW_MAX = 200_000  # characters of Markdown a preview renders


def _preview(request, text: str):
    """The Markdown rendered through ``carta.markdown``, counted against the editor's
    preview limit (``carta_preview`` throttle scope, 120 an hour by default)."""
    ratelimit.hit_scope("carta_preview", str(request.user.pk), default="120/hour")
    return render_markdown(text[:PREVIEW_MAX])


@require_POST
def section_preview(request, pk):
    """The section editor's preview (htmx): the posted ``body`` rendered as the page will
    show it. Editors only, CSRF-protected like every POST, rate-limited (429)."""
    revision, refusal = _editable_revision(request, pk)
    if refusal is not None:
        return refusal
    try:
        html = _preview(request, request.POST.get("body", ""))
    except RateLimited as error:
        response = render(
            request,
            "consultations/includes/section_preview.html",
            {"preview": None, "error": str(error.message)},
            status=429,
        )
        response["Retry-After"] = str(error.retry_after)
        return response
    return render(request, "consultations/includes/section_preview.html", {"preview": html})


def service_edit(request, pk, key=None):
    revision, refusal = _editable_revision(request, pk)
    if refusal is not None:
        return refusal
    service = (
        revision.services.prefetch_related("commitments", "provider_organizations")
        .filter(key=key)
        .first()
        if key
        else None
    )
    if key and service is None:
        raise Http404
    initial = {}
    if service is not None:
        initial = {name: getattr(service, name) for name in (*Service.TEXT_FIELDS, "area", "key")}
        initial["position"] = service.position
        initial["providers"] = list(service.provider_organizations.all())
        initial["commitments"] = ServiceForm.commitments_text(service)
        initial["governs"] = ServiceForm.governs_key(service)
    form = ServiceForm(request.POST or None, initial=initial)
    if service is not None:
        form.fields["key"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("governs", None)  # carried by the commitments (ServiceForm.clean)
        data["key"] = service.key if service else data["key"]
        try:
            saved = services.save_service(actor=request.user, revision=revision, **data)
        except CartaError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("La scheda del servizio è stata salvata."))
            return redirect(f"{revision.get_absolute_url()}#servizio-{saved.key}")
    return render(
        request,
        "consultations/service_form.html",
        {
            "form": form,
            "revision": revision,
            "service": service,
            # What the revision it was copied from says of this service (editors only).
            "flags": draft_flags_for(revision).get(service.key, []) if service else [],
        },
    )


REVISION_ACTIONS = {
    "condividi": (services.share_with_network, _("La bozza è ora visibile alla rete.")),
    "consultazione": (services.open_consultation, _("La consultazione è aperta.")),
    "proroga": (services.extend_consultation, _("La consultazione è prorogata.")),
    "adotta": (services.adopt_revision, _("La revisione è ora la Carta in vigore.")),
}


def _adopt(request, revision):
    """The adoption form's POST: the act's fields, then the service. A refusal renders the
    revision page again with the message next to the field at fault and the typed values
    kept (400); a state that does not allow adoption (409) comes back as a message."""
    form = AdoptForm(request.POST)
    if not form.is_valid():
        return revision_detail(request, revision.pk, adopt_form=form, status=400)
    data = form.cleaned_data
    try:
        revision = services.adopt_revision(
            actor=request.user,
            revision=revision,
            body=data["act_body"],
            act_number=data["act_number"],
            act_date=data["act_date"],
            effective_from=data["effective_from"],
            pact_grace_days=data["pact_grace_days"],
            strict=True,
        )
    except NotAllowed:
        raise PermissionDenied from None
    except CartaError as error:
        if error.field in form.fields:
            form.add_error(error.field, error.message)
            return revision_detail(request, revision.pk, adopt_form=form, status=400)
        messages.error(request, str(error.message))
        return redirect(f"{revision.get_absolute_url()}#adotta")
    if revision.status == RevisionStatus.SCHEDULED:
        messages.success(
            request,
            _("La revisione è adottata ed entrerà in vigore %(date)s.")
            % {"date": on_date(revision.effective_from, "il")},
        )
    else:
        messages.success(request, _("La revisione è ora la Carta in vigore."))
    return redirect(revision)


def _phase(request, revision, service, done):
    """Opening (``consultazione``) or extending (``proroga``) the consultation from the
    page: the dates, then the service. A refused date renders the page again with the
    message next to the field and the typed dates kept (400); a refused state comes
    back as a message."""
    if not perms.can_edit_carta(request.user):
        raise PermissionDenied
    form = ConsultationPhaseForm(request.POST)
    if not form.is_valid():
        return revision_detail(request, revision.pk, phase_form=form, status=400)
    try:
        revision = service(actor=request.user, revision=revision, **form.cleaned_data)
    except NotAllowed:
        raise PermissionDenied from None
    except CartaError as error:
        if error.field in form.fields:
            form.add_error(error.field, error.message)
            return revision_detail(request, revision.pk, phase_form=form, status=400)
        messages.error(request, str(error.message))
        return redirect(revision)
    messages.success(
        request,
        done % {"date": on_date(form.cleaned_data["closes_at"], "al")},
    )
    return redirect(revision)


@require_POST
@login_required
def revision_action(request, pk, action):
    if action not in REVISION_ACTIONS:
        raise Http404
    revision = _fetch(selectors.get_revision_for, request.user, pk)
    if action == "adotta":
        return _adopt(request, revision)
    if action == "consultazione":
        return _phase(
            request,
            revision,
            lambda **values: services.open_consultation(strict=True, **values),
            _("La consultazione è aperta fino %(date)s."),
        )
    if action == "proroga":
        return _phase(
            request,
            revision,
            services.extend_consultation,
            _("La consultazione è prorogata fino %(date)s."),
        )
    service, done = REVISION_ACTIONS[action]
    try:
        service(actor=request.user, revision=revision)
    except NotAllowed:
        raise PermissionDenied from None
    except CartaError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return redirect(revision)


# --- Comments and amendments ----------------------------------------------------------


@require_POST
@login_required
def comment_create(request, pk):
    revision = _fetch(selectors.get_revision_for, request.user, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _comment_refused(request, revision, form)
    data = form.cleaned_data
    parent = None
    if data["parent"]:
        parent = _fetch(selectors.get_comment_for, request.user, revision, data["parent"])
    try:
        comment = services.post_comment(
            actor=request.user,
            revision=revision,
            section_key=data["section_key"],
            body=data["body"],
            parent=parent,
            organization=organization_from_input(data["organization"]),
            quote=data["quote"],
        )
    except NotAllowed:
        raise PermissionDenied from None
    except CartaError as error:
        apply_service_error(form, error)
        return _comment_refused(request, revision, form, error)
    messages.success(request, _("Grazie: il commento è stato pubblicato."))
    return redirect(comment.get_absolute_url())


def _comment_refused(request, revision, form, error: CartaError | None = None):
    """The revision page again, 400, with the comment's form open where it was written,
    the typed text kept and the message next to the field at fault (and on top)."""
    messages.error(
        request,
        str(error.message)
        if error is not None
        else _("Il commento non è stato pubblicato: correggi quanto indicato."),
    )
    return revision_detail(request, revision.pk, comment_form=form, status=400)


def _amendment_refused(request, revision, form, error: CartaError | None = None):
    """As ``_comment_refused``, for an amendment's form."""
    messages.error(
        request,
        str(error.message)
        if error is not None
        else _("L'emendamento non è stato presentato: correggi quanto indicato."),
    )
    return revision_detail(request, revision.pk, amendment_form=form, status=400)


@require_POST
@login_required
def outcome_record(request, pk, comment_pk):
    revision = _fetch(selectors.get_revision_for, request.user, pk)
    comment = _fetch(selectors.get_comment_for, request.user, revision, comment_pk)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Scegli un esito."))
        return redirect(comment.get_absolute_url())
    try:
        services.record_outcome(actor=request.user, comment=comment, **form.cleaned_data)
    except NotAllowed:
        raise PermissionDenied from None
    except CartaError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("L'esito è stato registrato."))
    return redirect(comment.get_absolute_url())


@require_POST
@login_required
def amendment_create(request, pk):
    revision = _fetch(selectors.get_revision_for, request.user, pk)
    form = AmendmentForm(request.POST)
    if not form.is_valid():
        return _amendment_refused(request, revision, form)
    data = form.cleaned_data
    changes = {data["field"]: data["value"]} if data["kind"] == AmendmentKind.SERVICE else None
    try:
        amendment = services.propose_amendment(
            actor=request.user,
            revision=revision,
            kind=data["kind"],
            target_key=data["target_key"],
            new_text=data["new_text"],
            service_changes=changes,
            rationale=data["rationale"],
            organization=organization_from_input(data["organization"]),
        )
    except NotAllowed:
        raise PermissionDenied from None
    except CartaError as error:
        if error.field == "service_changes":
            form.add_error("value", str(error.message))
        else:
            apply_service_error(form, error)
        return _amendment_refused(request, revision, form, error)
    messages.success(request, _("Grazie: l'emendamento è stato presentato."))
    return redirect(amendment.get_absolute_url())


def _amendment(request, pk, amendment_pk) -> Amendment:
    revision = _fetch(selectors.get_revision_for, request.user, pk)
    return _fetch(selectors.get_amendment_for, request.user, revision, amendment_pk)


@require_POST
@login_required
def amendment_support(request, pk, amendment_pk):
    amendment = _amendment(request, pk, amendment_pk)
    try:
        services.support_amendment(
            actor=request.user,
            amendment=amendment,
            organization=organization_from_input(request.POST.get("organization")),
        )
    except NotAllowed:
        raise PermissionDenied from None
    except CartaError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Il sostegno è stato registrato."))
    return redirect(amendment.get_absolute_url())


@require_POST
@login_required
def amendment_decide(request, pk, amendment_pk):
    amendment = _amendment(request, pk, amendment_pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Scegli una decisione."))
        return redirect(amendment.get_absolute_url())
    data = form.cleaned_data
    try:
        if data["decision"] == "accept":
            services.accept_amendment(
                actor=request.user, amendment=amendment, reason=data["reason"]
            )
        else:
            services.reject_amendment(
                actor=request.user, amendment=amendment, reason=data["reason"]
            )
    except NotAllowed:
        raise PermissionDenied from None
    except CartaError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("La decisione è stata registrata."))
    return redirect(amendment.get_absolute_url())
