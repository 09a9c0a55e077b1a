"""Pages of this app."""

from django.urls import path

from stakeholders import views

urlpatterns = [
    path("organizzazioni/", views.organization_list, name="organizations"),
    path(
        "organizzazioni.csv",
        views.organizations_download,
        {"fmt": "csv"},
        name="organizations_csv",
    ),
    path(
        "organizzazioni.json",
        views.organizations_download,
        {"fmt": "json"},
        name="organizations_json",
    ),
    path("organizzazioni/scelta/", views.organization_choices, name="organization_choices"),
    path("organizzazioni/aderisci/", views.organization_apply, name="organization_apply"),
    path("organizzazioni/in-attesa/", views.organization_queue, name="organization_queue"),
    path("organizzazioni/<int:pk>/", views.organization_detail, name="organization"),
    path("organizzazioni/<int:pk>/modifica/", views.organization_edit, name="organization_edit"),
    path(
        "organizzazioni/<int:pk>/decisione/<slug:decision>/",
        views.organization_decide,
        name="organization_decide",
    ),
    path("organizzazioni/<int:pk>/patto/", views.organization_pact, name="organization_pact"),
    path(
        "organizzazioni/<int:pk>/membri/", views.organization_members, name="organization_members"
    ),
    path(
        "organizzazioni/<int:pk>/membri/<int:user_id>/ruolo/",
        views.member_role,
        name="organization_member_role",
    ),
    path(
        "organizzazioni/<int:pk>/membri/<int:user_id>/rimuovi/",
        views.member_remove,
        name="organization_member_remove",
    ),
    path(
        "organizzazioni/<int:pk>/inviti/<int:invitation_id>/revoca/",
        views.invitation_revoke,
        name="organization_invitation_revoke",
    ),
    path("organizzazioni/<int:pk>/lascia/", views.organization_leave, name="organization_leave"),
    path("inviti/<str:token>/", views.invitation, name="invitation"),
    path("risorse/", views.resource_list, name="resources"),
    path("risorse.csv", views.resources_download, {"fmt": "csv"}, name="resources_csv"),
    path("risorse.json", views.resources_download, {"fmt": "json"}, name="resources_json"),
    path("risorse/nuova/", views.resource_create, name="resource_create"),
    path("risorse/<int:pk>/", views.resource_detail, name="resource"),
    path("risorse/<int:pk>/modifica/", views.resource_edit, name="resource_edit"),
    path("risorse/<int:pk>/elimina/", views.resource_delete, name="resource_delete"),
]
