"""WebSocket routes, one thin consumer per socket kind."""
websocket_urlpatterns: list = []
