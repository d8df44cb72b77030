"""Load every component's template and media once, at startup, in one thread.

django-components 0.152 resolves a component's template lazily, on its first
render, and that is not thread-safe: `_load_media` marks the template resolved
*before* it has loaded it, so a second thread rendering the same component at
that moment reads no template and renders the component as nothing
(django-components issues #1354 and #1587). On a freshly started server, about
2 of 96 concurrent first loads of /playground/ came back without their
`live_sandbox` section, so without diagram or controls. Resolving everything
here, before the server takes its first request, leaves nothing to race on.
"""
from __future__ import annotations


def warm_component_templates() -> list[str]:
    """Resolve each registered component's template, JS and CSS; returns their names."""
    from django_components import registry

    warmed = []
    for name, component_cls in sorted(registry.all().items()):
        component_cls._template  # noqa: B018 (reading it loads and caches it)
        component_cls.js  # noqa: B018
        component_cls.css  # noqa: B018
        warmed.append(name)
    return warmed
