"""`{% gateway_connect sandbox %}`: the connect token and client snippets, for the
sandbox's owner and drivers only (a viewer gets nothing: the token drives)."""
from django import template
from django.conf import settings

from learnkafka.core.learners import learner_key_for
from learnkafka.sandbox import policy
from learnkafka.sandbox.selectors import member_role

from ..server import port_of
from ..services import token_for

register = template.Library()


@register.inclusion_tag("gateway/_connect.html", takes_context=True)
def gateway_connect(context, sandbox, topic="orders"):
    request = context["request"]
    learner = learner_key_for(request)
    role = policy.role_for(owner_key=sandbox.owner_key, learner_key=learner,
                           member_role=member_role(sandbox=sandbox, learner_key=learner),
                           shared=sandbox.shared)
    if not settings.GATEWAY_PORT or not policy.may_drive(role or ""):
        return {"show": False}
    return {"show": True, "token": token_for(public_id=sandbox.public_id),
            "bootstrap": f"{settings.GATEWAY_HOST}:{port_of(1)}", "topic": topic}
