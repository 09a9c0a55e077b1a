"""Websocket routes: the core's, then each app's ``routing.websocket_urlpatterns``, then a
refusal for every other path."""

from importlib import import_module

from django.urls import path, re_path
from django.utils.module_loading import module_has_submodule

from carta.consumers import NotificationConsumer, UnknownChannelConsumer


def websocket_urlpatterns():
    patterns = [path("ws/notifications/", NotificationConsumer.as_asgi())]
    from carta.urls import APPS

    for app in APPS:
        if module_has_submodule(import_module(app), "routing"):
            patterns += import_module(f"{app}.routing").websocket_urlpatterns
    # Last: any other path is refused cleanly.
    return [*patterns, re_path(r"", UnknownChannelConsumer.as_asgi())]
