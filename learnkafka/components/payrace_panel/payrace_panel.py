"""`payrace_panel`: the real-database race (learnkafka/payrace) inside a lesson step.

A lesson step names it with `panel: payrace_panel` in lesson.yaml; the panel
reads the learner from the request, so the lessons app knows nothing of the
race. The form posts to /payrace/run/ (htmx swaps the panel in place).
"""

from django_components import Component, register

from learnkafka.core.learners import learner_key_for
from learnkafka.payrace.selectors import panel_context


@register("payrace_panel")
class PayracePanel(Component):
    template_file = "payrace_panel.html"

    def get_template_data(self, args, kwargs, slots, context):
        request = context.get("request")
        data = panel_context(learner_key=learner_key_for(request))
        # `request` and `csrf_token` reach the template from the page's context.
        return data
