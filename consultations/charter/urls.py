"""Pages of the Carta."""

from django.urls import path

from consultations.charter import views

urlpatterns = [
    path("carta/", views.carta_in_force, name="carta_in_force"),
    path("carta/servizi/", views.service_list, name="services"),
    path("carta/servizi/<slug:key>/", views.service_detail, name="service"),
    path("carta/stampa/", views.print_view, name="carta_print"),
    path("carta/carta.pdf", views.pdf_view, name="carta_pdf"),
    path("carta/dati-aperti.json", views.open_data_view, name="carta_open_data"),
    path("carta/revisioni/", views.revision_list, name="carta_revisions"),
    path("carta/revisioni/nuova/", views.draft_create, name="carta_draft_create"),
    path("carta/revisioni/importa/", views.import_view, name="carta_import"),
    path("carta/revisioni/<int:pk>/", views.revision_detail, name="carta_revision"),
    path(
        "carta/revisioni/numero/<int:number>/",
        views.revision_by_number,
        name="carta_revision_by_number",
    ),
    path("carta/revisioni/<int:pk>/modifica/", views.revision_edit, name="carta_revision_edit"),
    path("carta/revisioni/<int:pk>/confronto/", views.revision_diff, name="carta_revision_diff"),
    path("carta/revisioni/<int:pk>/stampa/", views.print_view, name="carta_revision_print"),
    path("carta/revisioni/<int:pk>/carta.pdf", views.pdf_view, name="carta_revision_pdf"),
    path(
        "carta/revisioni/<int:pk>/dati-aperti.json",
        views.open_data_view,
        name="carta_revision_open_data",
    ),
    path("carta/revisioni/<int:pk>/resoconto/", views.report_view, name="carta_report"),
    path("carta/revisioni/<int:pk>/resoconto.csv", views.report_csv_view, name="carta_report_csv"),
    path("carta/revisioni/<int:pk>/resoconto.pdf", views.report_pdf_view, name="carta_report_pdf"),
    path(
        "carta/revisioni/<int:pk>/sezioni/nuova/", views.section_edit, name="carta_section_create"
    ),
    path(
        "carta/revisioni/<int:pk>/sezioni/<slug:key>/modifica/",
        views.section_edit,
        name="carta_section_edit",
    ),
    path(
        "carta/revisioni/<int:pk>/sezioni/anteprima/",
        views.section_preview,
        name="carta_section_preview",
    ),
    path(
        "carta/revisioni/<int:pk>/servizi/nuovo/", views.service_edit, name="carta_service_create"
    ),
    path(
        "carta/revisioni/<int:pk>/servizi/<slug:key>/modifica/",
        views.service_edit,
        name="carta_service_edit",
    ),
    path("carta/revisioni/<int:pk>/commenti/", views.comment_create, name="carta_comment"),
    path(
        "carta/revisioni/<int:pk>/commenti/<int:comment_pk>/esito/",
        views.outcome_record,
        name="carta_outcome",
    ),
    path("carta/revisioni/<int:pk>/emendamenti/", views.amendment_create, name="carta_amendment"),
    path(
        "carta/revisioni/<int:pk>/emendamenti/<int:amendment_pk>/sostegno/",
        views.amendment_support,
        name="carta_amendment_support",
    ),
    path(
        "carta/revisioni/<int:pk>/emendamenti/<int:amendment_pk>/decisione/",
        views.amendment_decide,
        name="carta_amendment_decide",
    ),
    path(
        "carta/revisioni/<int:pk>/<slug:action>/",
        views.revision_action,
        name="carta_revision_action",
    ),
]
