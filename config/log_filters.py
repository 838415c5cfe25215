"""Keep private status links out of every log line.

A status link is the key to a patient's page: whoever reads it in a log (an operator, a log service, a support
ticket) can open the page. django.request logs the path of every 404 and 500, gunicorn logs the path and the
referrer of every request, and a traceback can quote either. This filter, on every handler that writes logs
(settings.LOGGING and config/gunicorn.py), replaces the token in /status/<token>/ with "[link]".
"""

import logging
import re

STATUS_LINK = re.compile(r"(/status/)[^/\s?#\"'<>]+")
MASK = r"\1[link]"


def mask_status_links(text):
    return STATUS_LINK.sub(MASK, text)


class MaskStatusLinks(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        masked = mask_status_links(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # Formatted here, masked, and kept: the formatter then prints this text instead of formatting again.
            record.exc_text = mask_status_links(logging.Formatter().formatException(record.exc_info))
        return True
