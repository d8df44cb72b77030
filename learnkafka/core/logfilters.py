"""Log filters named by settings.LOGGING.

`OneLineSecurityErrors`: Django logs every request it refuses as suspicious (a
Host not in ALLOWED_HOSTS, too many fields, a body over the size limit) on a
`django.security.*` logger *with the traceback* of the exception it raised
itself. Anyone on the internet can send such a request, so each one would add
a screenful to the log; the message alone says what was refused and why.
"""
import logging


class OneLineSecurityErrors(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("django.security.") and record.exc_info:
            exc_type = record.exc_info[0]
            record.msg = f"{record.getMessage()} ({exc_type.__name__})" if exc_type else record.msg
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True
