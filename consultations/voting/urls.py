"""Pages of this app."""

from django.urls import path

from consultations.voting import views

urlpatterns = [
    path("consultazioni/", views.consultation_list, name="consultations"),
    path("consultazioni/nuova/", views.consultation_create, name="consultation_create"),
    path(
        "consultazioni/proposte-collegabili/",
        views.consultation_proposal_search,
        name="consultation_proposal_search",
    ),
    path(
        "consultazioni/su-revisione/<int:pk>/",
        views.consultation_on_revision,
        name="consultation_on_revision",
    ),
    path("consultazioni/<int:pk>/", views.consultation_detail, name="consultation"),
    path("consultazioni/<int:pk>/modifica/", views.consultation_edit, name="consultation_edit"),
    path(
        "consultazioni/<int:pk>/aventi-diritto/",
        views.consultation_eligibility,
        name="consultation_eligibility",
    ),
    path("consultazioni/<int:pk>/chiudi/", views.consultation_close, name="consultation_close"),
    path("consultazioni/<int:pk>/vota/", views.consultation_vote, name="consultation_vote"),
    path("consultazioni/<int:pk>/votato/", views.consultation_voted, name="consultation_voted"),
    path(
        "consultazioni/<int:pk>/risultati/",
        views.consultation_results,
        name="consultation_results",
    ),
    path(
        "consultazioni/<int:pk>/risultati.csv",
        views.consultation_results_csv,
        name="consultation_results_csv",
    ),
    path(
        "consultazioni/<int:pk>/risultati.json",
        views.consultation_results_json,
        name="consultation_results_json",
    ),
    path(
        "consultazioni/<int:pk>/verifica-ricevuta/",
        views.receipt_check,
        name="consultation_receipt_check",
    ),
]
