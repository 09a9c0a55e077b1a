"""Pages of the feedback app: the landing page, the complaint form and its receipt,
tracking by code and email, the officers' queue and detail, evaluations, the dashboard,
one's own data. Thin: forms parse, selectors fetch and authorize, services act."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from carta import attachments, csvexport, opendata
from carta.errors import CartaError, RateLimited
from carta.pages import fetch, page_context, querystring
from carta.privacy_views import json_download
from carta.ratelimit import client_ip
from carta.views import apply_service_error
from feedback import charter, periods, selectors, services
from feedback import permissions as perms
from feedback.dashboard import build_dashboard, csv_rows
from feedback.forms import (
    AnswerForm,
    AssignForm,
    CloseForm,
    ComplaintForm,
    EvaluationForm,
    ImprovementActionForm,
    IssueCodesForm,
    MeasurementForm,
    QueueFilterForm,
    RecordForm,
    RefundForm,
    ReopenForm,
    StaffReopenForm,
    TrackForm,
)
from feedback.models import FOUNDED_JUDGEMENTS, OPEN_STATUSES, RefundStatus

PAGE_SIZE = 25
RECEIPT_SESSION_KEY = "feedback_receipt"


def _staff_page(allowed, refusal):
    """A page for staff: the login page for anonymous visitors, 403 for people for whom
    ``allowed(user)`` does not hold."""

    def decorate(view):
        @wraps(view)
        @login_required
        def page(request, *args, **kwargs):
            if not allowed(request.user):
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)

        return page

    return decorate


def _rate_limited(request, template, context, error: RateLimited):
    context["form"].add_error(None, str(error.message))
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


def landing(request):
    return render(
        request,
        "feedback/landing.html",
        {"can_handle": perms.can_handle_complaints(request.user)},
    )


# --- Complaints -----------------------------------------------------------------------


def complaint_create(request):
    template = "feedback/complaint_form.html"
    form = ComplaintForm(
        request.POST or None,
        request.FILES or None,
        catalogue=charter.catalogue(),
        initial={
            "service": request.GET.get("servizio", ""),
            # ``?categoria=accessibility``: the accessibility statement's feedback mechanism.
            "category": request.GET.get("categoria", ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        evidence = data.pop("evidence", None) or []
        try:
            service = charter.service_in_force(data.pop("service", None), required=False)
            commitment = charter.commitment_in_force(data.pop("commitment", None), required=False)
            for _file in evidence:
                attachments.count_upload(request)
            # The complaint and its evidence together, or neither (carta.attachments).
            with transaction.atomic():
                result = services.submit_complaint(
                    actor=request.user,
                    service=service,
                    commitment=commitment,
                    client_address=client_ip(request),
                    **data,
                )
                for file in evidence:
                    attachments.add_attachment(
                        actor=request.user,
                        target=result.complaint,
                        purpose=attachments.Purpose.EVIDENCE,
                        upload=file,
                        field="evidence",
                        on_creation=True,
                    )
        except RateLimited as error:
            return _rate_limited(request, template, {"form": form}, error)
        except CartaError as error:
            apply_service_error(form, error)
        else:
            request.session[RECEIPT_SESSION_KEY] = {
                "code": result.code,
                "reference": result.complaint.reference,
                "deadline": result.complaint.deadline_at.isoformat(),
                "email": bool(result.complaint.contact_email),
            }
            return redirect("feedback_complaint_sent")
    return render(request, template, {"form": form})


@never_cache
def complaint_sent(request):
    """The receipt, shown once: the code lives only in the session until read."""
    receipt = request.session.pop(RECEIPT_SESSION_KEY, None)
    if receipt is None:
        return redirect("feedback")
    receipt["deadline"] = parse_datetime(receipt["deadline"])
    return render(request, "feedback/complaint_sent.html", {"receipt": receipt})


@never_cache
def track(request):
    """Follow a complaint with code and email; a wrong pair reads like an unknown code."""
    template = "feedback/track.html"
    form = TrackForm(request.POST or None)
    context = {"form": form, "complaint": None, "not_found": False}
    if request.method == "POST" and form.is_valid():
        code, email = form.cleaned_data["code"], form.cleaned_data["email"]
        try:
            complaint = services.find_complaint_by_code(
                code=code, email=email, client_address=client_ip(request)
            )
        except RateLimited as error:
            return _rate_limited(request, template, context, error)
        reopen_form = ReopenForm(request.POST if "reason" in request.POST else None)
        if complaint is not None and "reason" in request.POST and reopen_form.is_valid():
            try:
                complaint = services.reopen_complaint(
                    actor=request.user,
                    complaint=complaint,
                    reason=reopen_form.cleaned_data["reason"],
                    as_sender=True,
                )
            except CartaError as error:
                apply_service_error(reopen_form, error)
            else:
                messages.success(
                    request,
                    _("La segnalazione è stata riaperta: riceverai una nuova risposta."),
                )
                reopen_form = ReopenForm()
        context.update(
            complaint=complaint,
            not_found=complaint is None,
            code=code,
            email=email,
            reopen_form=reopen_form,
            can_reopen=complaint is not None and services.can_still_reopen(complaint),
        )
    return render(request, template, context)


@login_required
def my_complaint(request, pk):
    complaint = fetch(selectors.get_complaint_for, request.user, pk)
    if perms.can_handle_complaints(request.user):
        return redirect("feedback_complaint_staff", pk=complaint.pk)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen_complaint(
                actor=request.user,
                complaint=complaint,
                reason=form.cleaned_data["reason"],
                as_sender=True,
            )
        except CartaError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("La segnalazione è stata riaperta."))
            return redirect("feedback_my_complaint", pk=complaint.pk)
    return render(
        request,
        "feedback/my_complaint.html",
        {
            "complaint": complaint,
            "reopen_form": form,
            "can_reopen": services.can_still_reopen(complaint),
        },
    )


@login_required
def my_complaints(request):
    complaints = selectors.complaints_visible_to(request.user).filter(submitted_by=request.user)
    return render(request, "feedback/my_complaints.html", {"complaints": complaints})


officers_only = _staff_page(
    perms.can_handle_complaints, gettext_lazy("Pagina riservata all'ufficio reclami.")
)


@officers_only
def complaint_queue(request):
    form = QueueFilterForm(
        request.GET or None,
        services=charter.services_in_force().values_list("key", "title"),
        officers=selectors.complaint_officers(),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.complaint_queue(
        request.user,
        status=filters.get("status", ""),
        category=filters.get("category", ""),
        service_key=filters.get("service", ""),
        assignee=filters.get("assignee", ""),
        overdue_only=filters.get("overdue", False),
        assigned_to_me=filters.get("mine", False),
    )
    late = selectors.overdue(selectors.complaints_visible_to(request.user)).order_by(
        "deadline_at", "id"
    )
    return render(
        request,
        "feedback/queue.html",
        {
            "form": form,
            "querystring": querystring(request),
            "overdue": list(late[:50]),
            "now": timezone.now(),
            **page_context(request, queryset, PAGE_SIZE),
        },
    )


ACTIONS = {
    "assign": AssignForm,
    "answer": AnswerForm,
    "close": CloseForm,
    "reopen": StaffReopenForm,
    "record": RecordForm,
    "refund": RefundForm,
}


@officers_only
def complaint_staff(request, pk):
    complaint = fetch(selectors.get_complaint_for, request.user, pk)
    officers = selectors.complaint_officers()
    catalogue = charter.catalogue()
    judged = {"judgement": complaint.judgement, "judgement_reason": complaint.judgement_reason}
    forms = {
        "assign": AssignForm(officers=officers, initial={"assignee": complaint.assigned_to_id}),
        "answer": AnswerForm(initial={"answer": complaint.answer, **judged}),
        "close": CloseForm(initial=judged),
        "reopen": StaffReopenForm(),
        "record": RecordForm(
            catalogue=catalogue,
            initial={
                "channel": complaint.channel,
                "protocol_number": complaint.protocol_number,
                "commitment": complaint.commitment_id or "",
            },
        ),
        "refund": RefundForm(
            initial={
                "refund_amount": (
                    f"{complaint.refund_amount:.2f}".replace(".", ",")
                    if complaint.refund_amount is not None
                    else ""
                ),
                "refund_status": complaint.refund_status or RefundStatus.DUE,
                "refund_paid_on": complaint.refund_paid_on,
            }
        ),
    }
    status = 200
    action = request.POST.get("action", "")
    if request.method == "POST" and action in ACTIONS:
        kwargs = {"officers": officers} if action == "assign" else {}
        if action == "record":
            kwargs = {"catalogue": catalogue}
        form = ACTIONS[action](request.POST, **kwargs)
        forms[action] = form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "assign":
                    services.assign_complaint(
                        actor=request.user, complaint=complaint, assignee=data["assignee"]
                    )
                elif action == "answer":
                    services.answer_complaint(actor=request.user, complaint=complaint, **data)
                elif action == "close":
                    services.close_complaint(actor=request.user, complaint=complaint, **data)
                elif action == "record":
                    services.update_complaint_record(
                        actor=request.user,
                        complaint=complaint,
                        channel=data["channel"],
                        protocol_number=data["protocol_number"],
                        commitment=data["commitment"],  # "" removes it
                    )
                elif action == "refund":
                    services.update_complaint_record(
                        actor=request.user,
                        complaint=complaint,
                        refund_amount=data["refund_amount"],
                        refund_status=data["refund_status"],
                        refund_paid_on=data["refund_paid_on"] or "",
                    )
                else:
                    services.reopen_complaint(
                        actor=request.user, complaint=complaint, reason=data["reason"]
                    )
            except CartaError as error:
                apply_service_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Operazione registrata."))
                return redirect("feedback_complaint_staff", pk=complaint.pk)
        else:
            status = 400
    return render(
        request,
        "feedback/complaint_staff.html",
        {
            "complaint": complaint,
            "forms": forms,
            "overdue": complaint.status in OPEN_STATUSES and complaint.deadline_at < timezone.now(),
            "can_reopen": services.can_still_reopen(complaint),
            "refund_possible": services.promises_refund(complaint.commitment)
            and complaint.judgement in FOUNDED_JUDGEMENTS,
            "staff_url": reverse("feedback_complaint_staff", args=[complaint.pk]),
        },
        status=status,
    )


# --- One's own data -------------------------------------------------------------------


@login_required
def my_data(request):
    """The old address of the download, kept: it answers with the same JSON file as the
    "Scarica in JSON" button of the page of one's data (``/profilo/i-miei-dati/``,
    ``carta.privacy_views``), built by the same function, so links and scripts that
    fetch it keep receiving the file."""
    return json_download(request.user)


# --- Evaluations ----------------------------------------------------------------------


def evaluate(request):
    template = "feedback/evaluation_form.html"
    catalogue = charter.catalogue()
    initial = {"service": request.GET.get("servizio", "")}
    form = EvaluationForm(request.POST or None, catalogue=catalogue, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            service = charter.service_in_force(data.pop("service"))
            evaluation = services.submit_evaluation(
                actor=request.user, service=service, client_address=client_ip(request), **data
            )
        except RateLimited as error:
            if error.field is None:
                return _rate_limited(
                    request, template, {"form": form, "catalogue": catalogue}, error
                )
            # The per-address limit, explained beside the code that lifts it.
            form.add_error(error.field, str(error.message))
            status = 429
        except CartaError as error:
            apply_service_error(form, error)
            status = error.status
        else:
            if evaluation.verified:
                message = _(
                    "Grazie per la tua valutazione: il codice è stato usato e la valutazione "
                    "è contata tra quelle verificate."
                )
            else:
                message = _(
                    "Grazie per la tua valutazione: ci aiuta a verificare gli impegni della Carta."
                )
            messages.success(request, message)
            return redirect("feedback_dashboard")
    return render(request, template, {"form": form, "catalogue": catalogue}, status=status)


@_staff_page(
    perms.can_issue_evaluation_codes,
    gettext_lazy("Solo l'ufficio del servizio può emettere codici di valutazione."),
)
@never_cache
def evaluation_codes(request):
    """The service's office issues a batch of single-use codes: shown once, on a page to
    print (and sent by email when an address is given); never stored in clear."""
    catalogue = charter.catalogue()
    form = IssueCodesForm(request.POST or None, catalogue=catalogue)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                issued = services.issue_evaluation_codes(actor=request.user, **form.cleaned_data)
            except CartaError as error:
                apply_service_error(form, error)
                status = error.status
            else:
                return render(
                    request,
                    "feedback/evaluation_codes_issued.html",
                    {"issued": issued, "emailed_to": form.cleaned_data.get("email", "")},
                )
        else:
            status = 400
    return render(
        request,
        "feedback/evaluation_codes.html",
        {"form": form, "catalogue": catalogue},
        status=status,
    )


# --- Dashboard ------------------------------------------------------------------------


def _quarters(request) -> list[str]:
    try:
        count = min(max(int(request.GET.get("trimestri", 4)), 1), 12)
    except ValueError:
        count = 4
    return periods.recent_quarters(count)


def dashboard(request):
    quarters = _quarters(request)
    data = build_dashboard(quarters=quarters, staff=False)
    return render(
        request,
        "feedback/dashboard.html",
        {
            "data": data,
            "evaluation_counts": selectors.evaluation_counts(quarters),
            "staff": False,
            "can_view_staff": perms.can_view_staff_dashboard(request.user),
        },
    )


@_staff_page(
    perms.can_view_staff_dashboard, gettext_lazy("Pagina riservata al personale dell'Ambito.")
)
def dashboard_staff(request):
    catalogue = charter.catalogue()
    form = None
    status = 200
    if perms.can_record_measurements(request.user):
        form = MeasurementForm(request.POST or None, catalogue=catalogue)
        if request.method == "POST":
            if form.is_valid():
                try:
                    services.record_measurement(actor=request.user, **form.cleaned_data)
                except CartaError as error:
                    apply_service_error(form, error)
                    status = error.status
                else:
                    messages.success(request, _("Misurazione registrata."))
                    return redirect("feedback_dashboard_staff")
            else:
                status = 400
    quarters = _quarters(request)
    data = build_dashboard(quarters=quarters, staff=True)
    return render(
        request,
        "feedback/dashboard.html",
        {
            "data": data,
            "evaluation_counts": selectors.evaluation_counts(quarters),
            "can_issue_codes": perms.can_issue_evaluation_codes(request.user),
            "staff": True,
            "form": form,
            "can_view_staff": True,
            "can_record": form is not None,
        },
        status=status,
    )


def dashboard_csv(request):
    staff = perms.can_view_staff_dashboard(request.user) and request.GET.get("dettaglio")
    data = build_dashboard(quarters=_quarters(request), staff=bool(staff))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="impegni-carta.csv"'
    csvexport.writer(response).writerows(csv_rows(data))
    # The staff's detail (who recorded, notes) is no open data: no licence on it.
    return response if staff else opendata.with_licence(response)


def measurement_history(request):
    """Every version of a commitment's measurement in a quarter (``?impegno=<key>&trimestre=``):
    public; staff also read who recorded each."""
    key = request.GET.get("impegno", "")[:100]
    period = request.GET.get("trimestre", "")[:7]
    staff = perms.can_view_staff_dashboard(request.user)
    versions = (
        list(selectors.measurement_history(commitment_key=key, period=period))
        if (key and period)
        else []
    )
    commitment = next(
        (c for s in charter.catalogue() for c in s.commitments.all() if c.key == key), None
    )
    return render(
        request,
        "feedback/measurement_history.html",
        {
            "versions": versions,
            "commitment": commitment,
            "key": key,
            "period": period,
            "staff": staff,
        },
    )


@_staff_page(
    perms.can_record_measurements,
    gettext_lazy("Pagina riservata al personale incaricato delle misurazioni."),
)
def improvement_action_edit(request, pk):
    action = fetch(selectors.get_improvement_action, pk)
    initial = {
        "description": action.description,
        "responsible": action.responsible,
        "due_date": action.due_date,
        "status": action.status,
        "outcome": action.outcome,
    }
    form = ImprovementActionForm(request.POST or None, initial=initial, current=action.status)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_improvement_action(
                    actor=request.user, action=action, **form.cleaned_data
                )
            except CartaError as error:
                apply_service_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Azione di miglioramento aggiornata."))
                return redirect("feedback_dashboard_staff")
        else:
            status = 400
    return render(
        request,
        "feedback/improvement_action_form.html",
        {"action": action, "form": form},
        status=status,
    )
