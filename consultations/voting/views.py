"""Pages of the voting app. Thin: forms parse, selectors fetch and authorize, services act."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from carta import csvexport
from carta.errors import CartaError, InvalidInput, NotAllowed, NotFound, RateLimited
from carta.pages import fetch
from carta.permissions import is_signed_in
from carta.views import apply_service_error
from consultations.voting import ballots, results, selectors, services
from consultations.voting import permissions as perms
from consultations.voting.forms import BallotForm, CloseForm, ConsultationForm, ReceiptForm
from consultations.voting.models import Electorate, Status

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


def _voting_choices(user, consultation):
    allow_citizen = perms.may_vote_as_citizen(user, consultation)
    organizations = []
    if Electorate.ORGANIZATIONS in consultation.voter_kinds and is_signed_in(user):
        organizations = list(perms.organizations_voting_for(user))
    return allow_citizen, organizations


def consultation_detail(request, pk):
    consultation = _fetch(request.user, pk)
    allow_citizen, organizations = _voting_choices(request.user, consultation)
    records = selectors.own_records(request.user, consultation)
    if not consultation.changeable:
        # Offer only the ballots still to cast: one's own, and those of organizations
        # for which nobody has voted yet.
        allow_citizen = allow_citizen and not any(
            record.electorate == Electorate.CITIZENS for record in records
        )
        if organizations:
            cast = selectors.organizations_that_voted(consultation, organizations)
            organizations = [org for org in organizations if org.pk not in cast]
    return render(
        request,
        "voting/consultation_detail.html",
        {
            "consultation": consultation,
            "questions": consultation.questions.all(),
            "may_vote": allow_citizen or bool(organizations),
            "records": records,
            "can_manage": perms.can_manage(request.user),
        },
    )


@login_required
def consultation_vote(request, pk):
    consultation = _fetch(request.user, pk)
    allow_citizen, organizations = _voting_choices(request.user, consultation)
    if not (allow_citizen or organizations):
        raise PermissionDenied(_("Non hai diritto di voto in questa consultazione."))
    form = BallotForm(
        request.POST or None,
        questions=consultation.questions.all(),
        organizations=organizations,
        allow_citizen=allow_citizen,
    )
    if request.method == "POST" and form.is_valid():
        organization_id = form.organization_id()
        organization = next((o for o in organizations if o.pk == organization_id), None)
        try:
            ballots.count_vote_attempt(request.user.pk)
            if organization_id is not None and organization is None:
                raise NotAllowed()
            result = ballots.cast_ballot(
                actor=request.user,
                consultation=consultation,
                answers=form.answers(),
                organization=organization,
            )
        except InvalidInput as error:
            form.add_answer_error(error.field, str(error.message))
        except RateLimited as error:
            form.add_error(None, str(error.message))
        except NotAllowed as error:
            raise PermissionDenied(str(error.message)) from None
        except CartaError as error:
            apply_service_error(form, error)
        else:
            request.session[RECEIPT_SESSION_KEY] = {
                "consultation": consultation.pk,
                "receipt": result.receipt,
                "organization": str(organization) if organization else "",
            }
            return redirect("consultation_voted", pk=consultation.pk)
    return render(
        request,
        "voting/consultation_vote.html",
        {"consultation": consultation, "form": form},
        status=400 if request.method == "POST" else 200,
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
    response = JsonResponse(results.consultation_results(consultation))
    response["Content-Disposition"] = f'attachment; filename="consultazione-{pk}-risultati.json"'
    return response


def consultation_results_csv(request, pk):
    """One row per electorate, question and option (or value), with counts and shares."""
    consultation = _fetch(request.user, pk)
    figures = results.consultation_results(consultation)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="consultazione-{pk}-risultati.csv"'
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


@login_required
def consultation_create(request):
    if not perms.can_manage(request.user):
        raise PermissionDenied
    form = ConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.create_consultation(actor=request.user, **form.service_kwargs())
        except CartaError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Consultazione creata."))
            return redirect(consultation)
    return render(request, "voting/consultation_form.html", {"form": form, "consultation": None})


@login_required
def consultation_edit(request, pk):
    consultation = _fetch(request.user, pk, manage=True)
    if consultation.status != Status.UPCOMING:
        messages.error(request, _("Le regole non si possono cambiare dopo l'apertura."))
        return redirect(consultation)
    form = ConsultationForm(request.POST or None, instance=consultation)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_consultation(
                actor=request.user, consultation=consultation, **form.service_kwargs()
            )
        except CartaError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Consultazione aggiornata."))
            return redirect("consultation", pk=pk)
    return render(
        request, "voting/consultation_form.html", {"form": form, "consultation": consultation}
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
