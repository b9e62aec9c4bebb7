"""Cleaning what people type on phones before it is stored and shown anywhere."""

import re
import unicodedata

# C0/C1 control characters except tab and newline, plus the bidi overrides that can
# make a name look like something else on the wall (isolates are left alone).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\ufeff]")


def clean_text(value, *, multiline=False):
    """NFC-normalise, drop control characters, trim; single-line text also loses newlines."""
    value = unicodedata.normalize("NFC", value or "")
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    if multiline:
        value = re.sub(r"\n{3,}", "\n\n", value)
        return "\n".join(line.rstrip() for line in value.split("\n")).strip()
    return re.sub(r"\s+", " ", value).strip()


def parse_id(value):
    """A row id from a form, or 0 (which matches no row) for anything that is not one."""
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0
