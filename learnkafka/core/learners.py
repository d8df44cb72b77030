"""Who the learner is: one opaque random key kept in their anonymous session.

Every app hangs a learner's things off this key (lesson progress, quiz
attempts), so a checkpoint answered in a lesson and the same question in the
quiz are one learner's. The session lives in the database for a year
(settings), so the key survives reloads and restarts. A random key rather
than `session.session_key` because Django rotates the session key on login,
which would orphan the learner's progress and answers.
"""

import secrets

SESSION_FIELD = "learner_key"


def learner_key_for(request) -> str:
    """The learner's key, created (and the session saved) on first use."""
    key = request.session.get(SESSION_FIELD)
    if not isinstance(key, str) or not key:
        key = secrets.token_hex(16)
        request.session[SESSION_FIELD] = key
        # Save now so the session exists (and its cookie is sent) even when
        # the request ends with an error page.
        request.session.save()
    return key
