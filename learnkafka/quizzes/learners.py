"""Who the quiz-taker is: an opaque random key kept in their anonymous session.

The session lives in the database for a year (settings), so the key and the
attempts hanging off it survive reloads and restarts. A random key rather
than `session.session_key` because Django rotates the session key on login,
which would orphan the learner's answers.
"""

import secrets

SESSION_FIELD = "quizzes_learner_key"


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
