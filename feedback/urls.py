"""Pages of this app, under /valuta-e-segnala/."""

from django.urls import path

from feedback import views

urlpatterns = [
    path("valuta-e-segnala/", views.landing, name="feedback"),
    path("valuta-e-segnala/segnala/", views.complaint_create, name="feedback_complaint"),
    path("valuta-e-segnala/segnala/inviata/", views.complaint_sent, name="feedback_complaint_sent"),
    path("valuta-e-segnala/segui/", views.track, name="feedback_track"),
    path(
        "valuta-e-segnala/le-mie-segnalazioni/", views.my_complaints, name="feedback_my_complaints"
    ),
    path(
        "valuta-e-segnala/le-mie-segnalazioni/<int:pk>/",
        views.my_complaint,
        name="feedback_my_complaint",
    ),
    path("valuta-e-segnala/ufficio-reclami/", views.complaint_queue, name="feedback_queue"),
    path(
        "valuta-e-segnala/ufficio-reclami/<int:pk>/",
        views.complaint_staff,
        name="feedback_complaint_staff",
    ),
    path("valuta-e-segnala/valuta/", views.evaluate, name="feedback_evaluate"),
    path(
        "valuta-e-segnala/codici-di-valutazione/",
        views.evaluation_codes,
        name="feedback_evaluation_codes",
    ),
    path("valuta-e-segnala/impegni/", views.dashboard, name="feedback_dashboard"),
    path("valuta-e-segnala/impegni.csv", views.dashboard_csv, name="feedback_dashboard_csv"),
    path(
        "valuta-e-segnala/impegni/dettaglio/",
        views.dashboard_staff,
        name="feedback_dashboard_staff",
    ),
    path(
        "valuta-e-segnala/impegni/storico/",
        views.measurement_history,
        name="feedback_measurement_history",
    ),
    path(
        "valuta-e-segnala/impegni/azioni/<int:pk>/",
        views.improvement_action_edit,
        name="feedback_improvement_action",
    ),
    path("valuta-e-segnala/i-miei-dati/", views.my_data, name="feedback_my_data"),
]
