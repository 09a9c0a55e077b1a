from django.urls import path

from consultations.charter.consumers import RevisionCommentsConsumer

websocket_urlpatterns = [
    path("ws/carta/revisions/<int:pk>/", RevisionCommentsConsumer.as_asgi()),
]
