"""Pages of this app."""

from django.urls import path

from proposals import views

urlpatterns = [
    path("proposte/", views.proposal_list, name="proposals"),
    path("proposte/esporta.csv", views.proposal_export, name="proposal_export"),
    path("proposte/nuova/", views.proposal_create, name="proposal_create"),
    path("proposte/moderazione/", views.moderation_queue, name="proposal_moderation"),
    path("proposte/valutazione/", views.evaluation, name="proposal_evaluation"),
    path("proposte/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposte/<int:pk>/modifica/", views.proposal_edit, name="proposal_edit"),
    path(
        "proposte/<int:pk>/stato/<slug:action>/",
        views.proposal_transition,
        name="proposal_transition",
    ),
    path(
        "proposte/<int:pk>/versioni/<int:number>/oscura/",
        views.version_redact,
        name="proposal_version_redact",
    ),
    path("proposte/<int:pk>/partner/invita/", views.partner_invite, name="proposal_partner_invite"),
    path(
        "proposte/<int:pk>/partner/richiedi/",
        views.partner_request,
        name="proposal_partner_request",
    ),
    path(
        "proposte/<int:pk>/partner/<int:organization_id>/<slug:decision>/",
        views.partner_decide,
        name="proposal_partner_decide",
    ),
    path("proposte/<int:pk>/commenti/", views.comment_create, name="proposal_comment"),
    path("proposte/<int:pk>/sostegno/", views.endorse, name="proposal_endorse"),
]
