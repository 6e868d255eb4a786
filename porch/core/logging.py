"""A logging filter that drops anything that could identify a client.

Porch's own log lines carry event names and opaque codes only (R40). This
filter is the second line of defence for third-party messages: it removes
the request object Django attaches and blanks IP-address-shaped tokens.
"""

import logging
import re

_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_IPV6 = re.compile(r"[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}")


class ScrubFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            record.request = None
        message = record.getMessage()
        scrubbed = _IPV6.sub("[addr]", _IPV4.sub("[addr]", message))
        if scrubbed != message:
            record.msg, record.args = scrubbed, ()
        return True
