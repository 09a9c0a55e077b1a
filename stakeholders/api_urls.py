"""API routes of this app, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from stakeholders import api

router = SimpleRouter()
router.register("organizations", api.OrganizationViewSet, basename="organization")
router.register("invitations", api.InvitationViewSet, basename="invitation")
router.register("resources", api.ResourceViewSet, basename="resource")

members_list = api.MemberViewSet.as_view({"get": "list", "post": "create"})
members_detail = api.MemberViewSet.as_view({"patch": "partial_update", "delete": "destroy"})
invitations_detail = api.OrganizationInvitationViewSet.as_view({"delete": "destroy"})

urlpatterns = [
    *router.urls,
    path(
        "organizations/<int:organization_pk>/members/",
        members_list,
        name="organization-members-list",
    ),
    path(
        "organizations/<int:organization_pk>/members/<int:user_id>/",
        members_detail,
        name="organization-members-detail",
    ),
    path(
        "organizations/<int:organization_pk>/invitations/<int:pk>/",
        invitations_detail,
        name="organization-invitations-detail",
    ),
]
