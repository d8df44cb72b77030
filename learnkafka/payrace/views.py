"""The race's pages: /payrace/ (the panel alone) and POST /payrace/run/ (start a race).

The run view is async and runs the race off the event loop in a thread of
its own (not Django's one shared thread for sync views), so a few seconds
of racing never hold up other requests. With htmx only the panel is
swapped; without JavaScript the form posts and the page comes back.
"""
from asgiref.sync import sync_to_async
from django.db import close_old_connections
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from learnkafka.core.learners import learner_key_for

from .selectors import panel_context
from .services import RaceRefused, race_start


@require_GET
def race_page(request):
    context = panel_context(learner_key=learner_key_for(request))
    return render(request, "payrace/page.html", context)


def _run(request):
    try:
        key = learner_key_for(request)
        form = {k: request.POST.get(k, "") for k in ("variant", "threads", "trials")}
        try:
            race_start(learner_key=key, **form)
        except RaceRefused as refused:
            status = 429 if refused.code in ("rate_limited", "busy") else 400
            context = panel_context(learner_key=key, error=refused.message, form=form)
            if request.htmx:
                return render(request, "payrace/_panel.html", context, status=status)
            return render(request, "payrace/page.html", context, status=status)
        if request.htmx:
            return render(request, "payrace/_panel.html", panel_context(learner_key=key))
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "/payrace/"
        return redirect(target)
    finally:
        close_old_connections()


@require_POST
async def race_run(request):
    return await sync_to_async(_run, thread_sensitive=False)(request)
