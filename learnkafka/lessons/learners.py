"""Who the learner is: an opaque key kept in their (anonymous) session.

The session cookie lives a year (settings.SESSION_COOKIE_AGE) and sessions are
stored in the database, so the key, and everything hung off it, survives a
reload and a server restart. A random key rather than the session key itself,
because Django rotates the session key on login.
"""
import secrets

SESSION_FIELD = "lessons_learner_key"


def learner_key_for(request) -> str:
    """The learner's key, created and saved in the session on first use."""
    key = request.session.get(SESSION_FIELD)
    if not isinstance(key, str) or not key:
        key = secrets.token_hex(16)
        request.session[SESSION_FIELD] = key
    return key
