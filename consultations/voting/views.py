"""Pages of the voting app. Thin: forms parse, selectors fetch and authorize, services act."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carta import csvexport, opendata
from carta.dates import on_date
from carta.errors import CartaError, InvalidInput, NotAllowed, NotFound, RateLimited
from carta.pages import fetch
from carta.permissions import is_signed_in
from carta.views import apply_service_error
from consultations.charter import selectors as charter_selectors
from consultations.charter.models import AmendmentStatus
from consultations.voting import ballots, builder, eligibility, results, selectors, services
from consultations.voting import permissions as perms
from consultations.voting.forms import (
    BallotForm,
    CloseForm,
    ConsultationBuilder,
    EligibilityForm,
    ReceiptForm,
    RevisionVoteForm,
)
from consultations.voting.models import Status

RECEIPT_SESSION_KEY = "voting_receipt"


def _fetch(user, pk, **kwargs):
    return fetch(selectors.get_consultation_for, user, pk, **kwargs)


def consultation_list(request):
    """Open, upcoming and (paginated) closed consultations: three queries."""
    user = request.user
    closed = Paginator(selectors.consultations_visible_to(user, status=Status.CLOSED), 20)
    return render(
        request,
        "voting/consultation_list.html",
        {
            "open": list(selectors.consultations_visible_to(user, status=Status.OPEN)),
            "upcoming": list(selectors.consultations_visible_to(user, status=Status.UPCOMING)),
            "closed": closed.get_page(request.GET.get("page")),
            "can_manage": perms.can_manage(user),
        },
    )


# Refusals that the person can overcome, and how: the page shows the way.
HELPFUL_REFUSALS = ("identity_required", "verification_required", "not_eligible")


def _refusal_to_show(user, consultation, refusal):
    """The citizen's refusal worth explaining on the pages (a signed-in person in a
    citizens' electorate), or ``None``."""
    if refusal is None or not is_signed_in(user) or refusal.code not in HELPFUL_REFUSALS:
        return None
    return refusal


def _login_url(consultation) -> str:
    """The sign-in page (where the SPID and CIE buttons are), back to the ballot after."""
    next_url = reverse("consultation_vote", args=[consultation.pk])
    return f"{reverse('login')}?{urlencode({'next': next_url})}"


def _refused(request, consultation, refusal):
    """The voting page's refusal (403), with what would help: signing in with SPID or
    CIE, confirming the email address, or asking the Ufficio di Piano."""
    shown = _refusal_to_show(request.user, consultation, refusal)
    return render(
        request,
        "voting/consultation_refused.html",
        {
            "consultation": consultation,
            "message": str(shown.message)
            if shown
            else _("Non hai diritto di voto in questa consultazione."),
            "code": shown.code if shown else "",
            "login_url": _login_url(consultation),
        },
        status=403,
    )


def consultation_detail(request, pk):
    consultation = _fetch(request.user, pk)
    # The same decision as the voting page's: "Vota" only where a ballot is still to
    # cast or may be changed ("Modifica il voto").
    page = selectors.voting_page(request.user, consultation)
    to_act = page.to_act
    records = selectors.own_records(request.user, consultation)
    return render(
        request,
        "voting/consultation_detail.html",
        {
            "consultation": consultation,
            "questions": consultation.questions.all(),
            "may_vote": bool(to_act),
            "may_change": bool(to_act) and all(c.record is not None for c in to_act),
            "citizen_refusal": _refusal_to_show(request.user, consultation, page.citizen_refusal),
            "login_url": _login_url(consultation),
            "records": records,
            "can_manage": perms.can_manage(request.user),
            "subject_proposals": builder.subject_proposals(request.user, consultation),
            # The Carta in force, to compare the revision voted on with it.
            "in_force": (
                charter_selectors.revision_in_force() if consultation.revision_id else None
            ),
        },
    )


def _on_day(moment) -> str:
    """ "il 9 ottobre 2026", "l'8 ottobre 2026" in local time; "9 October 2026" in English,
    whose sentences write their own "on" (carta.dates)."""
    return on_date(timezone.localtime(moment), "il")


def _at_time(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.hour}:{local.minute:02d}"


def _when(moment) -> dict:
    return {"day": _on_day(moment), "time": _at_time(moment)}


def _cast_notes(consultation, page) -> list[dict]:
    """What the person already cast, one note per capacity: "Hai già votato ...",
    "L'organizzazione ... ha già votato ...", whether it may still be changed."""
    notes = []
    open_now = page.status == Status.OPEN
    several = len(page.to_act) > 1
    for capacity in page.capacities:
        record = capacity.record
        if record is None:
            continue
        if capacity.organization is None:
            text = _("Hai già votato %(day)s alle ore %(time)s.") % _when(record.voted_at)
        else:
            text = _("L'organizzazione %(name)s ha già votato %(day)s alle ore %(time)s.") % {
                "name": capacity.organization,
                **_when(record.voted_at),
            }
        if record.changed_at:
            text += " " + _("Il voto è stato modificato %(day)s alle ore %(time)s.") % _when(
                record.changed_at
            )
        notes.append(
            {
                "text": text,
                "may_change": open_now and capacity.may_change,
                "choice": capacity.choice if several else "",
            }
        )
    return notes


@login_required
def consultation_vote(request, pk):
    """The ballot, or what applies instead (docs/voting.md, "The voting page"): decided by
    ``selectors.voting_page`` from the predicates the services use. A ballot cast in a
    consultation whose ballots may change comes back pre-filled and is changed by
    ``ballots.change_ballot``; any other submission goes to ``ballots.cast_ballot``."""
    consultation = _fetch(request.user, pk)
    page = selectors.voting_page(request.user, consultation)
    if not page.capacities:
        return _refused(request, consultation, page.citizen_refusal)
    to_act = page.to_act
    form = None
    selected = None
    if to_act:
        questions = consultation.questions.all()
        wanted = request.GET.get("come", "")
        selected = next((c for c in to_act if c.choice == wanted), to_act[0])
        initial = {"voting_as": selected.choice}
        if selected.record is not None:
            initial |= BallotForm.initial_from(questions, selected.record.answers)
        form = BallotForm(
            request.POST or None,
            questions=questions,
            organizations=[c.organization for c in to_act if c.organization is not None],
            allow_citizen=any(c.organization is None for c in to_act),
            initial=initial,
        )
    if request.method == "POST" and form is not None and form.is_valid():
        choice = form.voting_as()
        capacity = next((c for c in to_act if c.choice == choice), None)
        organization = capacity.organization if capacity else None
        changing = capacity is not None and capacity.record is not None
        try:
            ballots.count_vote_attempt(request.user.pk)
            if capacity is None:
                raise NotAllowed()
            if changing:
                ballots.change_ballot(
                    actor=request.user,
                    consultation=consultation,
                    answers=form.answers(),
                    organization=organization,
                )
                receipt = None
            else:
                receipt = ballots.cast_ballot(
                    actor=request.user,
                    consultation=consultation,
                    answers=form.answers(),
                    organization=organization,
                ).receipt
        except InvalidInput as error:
            form.add_answer_error(error.field, str(error.message))
        except RateLimited as error:
            form.add_error(None, str(error.message))
        except NotAllowed as error:
            if organization is None:
                return _refused(request, consultation, error)
            raise PermissionDenied(str(error.message)) from None
        except CartaError as error:
            apply_service_error(form, error)
        else:
            request.session[RECEIPT_SESSION_KEY] = {
                "consultation": consultation.pk,
                "receipt": receipt,
                "organization": str(organization) if organization else "",
                "changed": changing,
            }
            return redirect("consultation_voted", pk=consultation.pk)
    # A refused ballot is a 400; a submission with no ballot left to send, a 409 (not
    # open, already cast), as the services answer it.
    status = 200
    if request.method == "POST":
        status = 400 if form is not None else 409
    personal = next((c for c in page.capacities if c.organization is None), None)
    return render(
        request,
        "voting/consultation_vote.html",
        {
            "consultation": consultation,
            "form": form,
            "status": page.status,
            "opens": _when(consultation.opens_at),
            "closed_early": (
                _when(consultation.closed_early_at) if consultation.closed_early_at else None
            ),
            "notes": _cast_notes(consultation, page),
            "changing": selected is not None and selected.record is not None,
            # Voting for an organization only: why not personally, too.
            "citizen_refusal": (
                _refusal_to_show(request.user, consultation, page.citizen_refusal)
                if personal is None and page.status == Status.OPEN
                else None
            ),
            "login_url": _login_url(consultation),
            "subject_proposals": builder.subject_proposals(request.user, consultation),
        },
        status=status,
    )


@login_required
def consultation_voted(request, pk):
    """The confirmation; a secret ballot's receipt is shown here once, then forgotten."""
    consultation = _fetch(request.user, pk, with_questions=False)
    data = request.session.pop(RECEIPT_SESSION_KEY, None)
    if not data or data.get("consultation") != consultation.pk:
        return redirect(consultation)
    return render(
        request,
        "voting/consultation_voted.html",
        {
            "consultation": consultation,
            "receipt": data.get("receipt"),
            "organization": data.get("organization"),
            "changed": data.get("changed", False),
        },
    )


def consultation_results(request, pk):
    consultation = _fetch(request.user, pk)
    return render(
        request,
        "voting/consultation_results.html",
        {"consultation": consultation, "results": results.consultation_results(consultation)},
    )


def consultation_results_json(request, pk):
    consultation = _fetch(request.user, pk)
    response = JsonResponse(opendata.with_licence_json(results.consultation_results(consultation)))
    response["Content-Disposition"] = f'attachment; filename="consultazione-{pk}-risultati.json"'
    return opendata.with_licence(response)


def consultation_results_csv(request, pk):
    """One row per electorate, question and option (or value), with counts and shares."""
    consultation = _fetch(request.user, pk)
    figures = results.consultation_results(consultation)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="consultazione-{pk}-risultati.csv"'
    opendata.with_licence(response)
    writer = csvexport.writer(response)
    writer.writerow(
        [
            "elettorato",
            "votanti",
            "aventi_diritto",
            "affluenza_%",
            "quorum_raggiunto",
            "domanda",
            "tipo",
            "opzione",
            "conteggio",
            "percentuale",
            "soglia_raggiunta",
        ]
    )
    for entry in figures["electorates"]:
        base = [
            entry["label"],
            entry["ballots"],
            entry["eligible"],
            entry["turnout_percent"],
            "sì" if entry["quorum_met"] else "no",
        ]
        for question in entry["questions"] or []:
            met = question.get("threshold_met")
            for option in question["options"]:
                writer.writerow(
                    [
                        *base,
                        question["text"],
                        question["kind"],
                        option["label"],
                        option["count"],
                        "" if option["percent"] is None else option["percent"],
                        "" if met is None else ("sì" if met else "no"),
                    ]
                )
        if not entry["questions"]:
            writer.writerow(base + [""] * 6)
    return response


def receipt_check(request, pk):
    consultation = _fetch(request.user, pk, with_questions=False)
    form = ReceiptForm(request.GET or None)
    found = None
    if form.is_valid():
        try:
            found = selectors.check_receipt(consultation, form.cleaned_data["token"])
        except NotFound as error:
            form.add_error("token", str(error.message))
    return render(
        request,
        "voting/receipt_check.html",
        {"consultation": consultation, "form": form, "found": found},
    )


def _builder_page(request, consultation=None):
    """The consultation builder (docs/consultation-builder.md): its buttons re-render the
    typed questions changed (``builder.apply_action``), "Anteprima" shows the ballot as
    voters will see it, "Salva" creates or updates through the services. Refused data
    comes back next to its field, typed text kept (400)."""
    builder_form = ConsultationBuilder(
        request.POST if request.method == "POST" else None,
        instance=consultation,
        search_url=reverse("consultation_proposal_search"),
    )
    preview = None
    if builder_form.bound and builder_form.action == "anteprima":
        # The preview needs the questions only: the rules may still be incomplete.
        builder_form.rules_as_typed(request.POST)
        if builder_form.questions_valid():
            preview = builder_form.preview_form()
    elif builder_form.bound and builder_form.is_valid():
        try:
            if consultation is None:
                consultation = services.create_consultation(
                    actor=request.user, **builder_form.service_kwargs()
                )
                messages.success(request, _("Consultazione creata."))
            else:
                services.update_consultation(
                    actor=request.user,
                    consultation=consultation,
                    **builder_form.service_kwargs(),
                )
                messages.success(request, _("Consultazione aggiornata."))
        except CartaError as error:
            builder_form.add_service_error(error)
        else:
            return redirect(consultation)
    return render(
        request,
        "voting/consultation_form.html",
        {
            "builder": builder_form,
            "consultation": consultation if consultation and consultation.pk else None,
            "preview": preview,
            "kinds_with_options": " ".join(builder.KINDS_WITH_OPTIONS),
        },
        status=400 if builder_form.bound and builder_form.has_errors() else 200,
    )


@login_required
def consultation_create(request):
    if not perms.can_manage(request.user):
        raise PermissionDenied
    return _builder_page(request)


@login_required
def consultation_proposal_search(request):
    """The builder's suggestions for a proposal field (staff only): at most ten published
    proposals matching ``q`` (a number, or part of a title), as JSON. One query."""
    if not perms.can_manage(request.user):
        raise PermissionDenied
    found = builder.search_proposals(request.GET.get("q", "")[:200])
    return JsonResponse(
        {
            "results": [
                {"id": p.pk, "title": p.title, "value": builder.proposal_text(p)} for p in found
            ]
        }
    )


@login_required
def consultation_on_revision(request, pk):
    """Put revision ``pk`` (in consultation) to a vote: the questions are prepared from it,
    then edited in the ordinary builder. 404 for a revision one may not read, 403 for who
    may not prepare votes; a refused date or section comes back next to its field with
    what was typed, a refused state (not in consultation, a vote already running) as a
    message on the revision's page."""
    revision = fetch(charter_selectors.get_revision_for, request.user, pk)
    if not perms.can_put_revision_to_vote(request.user):
        raise PermissionDenied
    form = RevisionVoteForm(
        request.POST or None,
        sections=list(revision.sections.order_by("position", "id")),
        open_amendments=revision.amendments.filter(
            status=AmendmentStatus.OPEN, hidden_at__isnull=True
        ).count(),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                consultation = services.create_vote_on_revision(
                    actor=request.user, revision=revision, **form.cleaned_data
                )
            except CartaError as error:
                if error.field not in form.fields:
                    messages.error(request, str(error.message))
                    return redirect(revision)
                form.add_error(error.field, error.message)
            else:
                messages.success(
                    request,
                    _(
                        "La votazione è pronta, con le domande preparate dalla revisione: "
                        "rivedile prima dell'apertura."
                    ),
                )
                return redirect("consultation_edit", consultation.pk)
    return render(
        request,
        "voting/consultation_on_revision.html",
        {"form": form, "revision": revision},
        status=status,
    )


@login_required
def consultation_edit(request, pk):
    """The builder on a consultation not yet open; once open, back to the consultation's
    page, which says that its rules and questions stay as published."""
    consultation = _fetch(request.user, pk, manage=True)
    if consultation.status != Status.UPCOMING:
        messages.error(
            request,
            _(
                "La consultazione è già %(status)s: le regole e le domande restano quelle "
                "pubblicate all'apertura e non si possono più modificare."
            )
            % {"status": consultation.status.label.lower()},
        )
        return redirect(consultation)
    return _builder_page(request, consultation)


@login_required
def consultation_eligibility(request, pk):
    """The eligibility list of a SPID/CIE consultation before it opens: its size, the
    upload of a CSV that replaces it, its removal. Staff only; the codes are never shown
    (only their keyed digests are stored)."""
    consultation = _fetch(request.user, pk, manage=True, with_questions=False)
    if consultation.status != Status.UPCOMING:
        messages.error(
            request, _("L'elenco degli aventi diritto non si può cambiare dopo l'apertura.")
        )
        return redirect(consultation)
    if not consultation.requires_identity:
        messages.error(
            request,
            _(
                "L'elenco degli aventi diritto vale solo per le consultazioni in cui si vota "
                "con SPID o CIE: scegli «SPID o CIE» tra le regole della consultazione."
            ),
        )
        return redirect("consultation_edit", pk=pk)
    form = EligibilityForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        try:
            if "clear" in request.POST:
                form = EligibilityForm()
                services.clear_eligibility_list(actor=request.user, consultation=consultation)
                messages.success(request, _("L'elenco degli aventi diritto è stato eliminato."))
                return redirect("consultation_eligibility", pk=pk)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                refusal = eligibility.too_large(upload.size)
                if refusal is not None:
                    raise refusal
                count = services.replace_eligibility_list(
                    actor=request.user,
                    consultation=consultation,
                    entries=eligibility.entries_from_csv(upload.read()),
                )
                messages.success(
                    request,
                    ngettext(
                        "L'elenco degli aventi diritto è stato salvato: %(n)d codice fiscale.",
                        "L'elenco degli aventi diritto è stato salvato: %(n)d codici fiscali.",
                        count,
                    )
                    % {"n": count},
                )
                return redirect("consultation_eligibility", pk=pk)
        except CartaError as error:
            apply_service_error(form, error)
    return render(
        request,
        "voting/consultation_eligibility.html",
        {"form": form, "consultation": consultation},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def consultation_close(request, pk):
    consultation = _fetch(request.user, pk, manage=True, with_questions=False)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_consultation_early(
                actor=request.user, consultation=consultation, reason=form.cleaned_data["reason"]
            )
        except CartaError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("La consultazione è stata chiusa."))
            return redirect("consultation", pk=pk)
    return render(
        request, "voting/consultation_close.html", {"form": form, "consultation": consultation}
    )
