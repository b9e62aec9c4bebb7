"""Agenda templates of one's own: save a prepared session as one, export, import.

The exported file is versioned JSON:

    {"format": "samenwerking-agenda", "version": 1, "title": {"nl": ..., "en": ...},
     "source": "...", "steps": [{"key", "kind", "optional", "minutes", "texts", "config"}]}

An imported file is untrusted: it is read strictly (size, shape, known kinds and languages,
text lengths) and either imported whole or not at all.
"""

import functools
import json
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from exercises.registry import all_kinds
from sessions.models import AgendaTemplate, TemplateStep
from sessions.text import clean_text

FORMAT = "samenwerking-agenda"
VERSION = 1
MAX_FILE_BYTES = 512 * 1024
MAX_STEPS = 60
MAX_MINUTES = 240
TITLE_MAX = 150
SOURCE_MAX = 300
STEP_TEXT_MAX = {"title": 200, "body": 4000, "instruction": 2000}
# A step's config is the kind's own data (quotes, questions...): plain JSON, bounded.
CONFIG_MAX_BYTES = 64 * 1024
CONFIG_MAX_DEPTH = 6
CONFIG_STRING_MAX = 4000
STEP_FIELDS = ("key", "kind", "optional", "minutes", "texts", "config")


def _languages():
    return {code for code, _name in settings.LANGUAGES}


def template_data(template):
    """A template as the exported dict."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "title": template.title,
        "source": template.source,
        "steps": [
            {
                "key": step.key,
                "kind": step.kind,
                "optional": step.optional,
                "minutes": step.minutes,
                "texts": step.texts,
                "config": step.config,
            }
            for step in template.steps.order_by("position")
        ],
    }


def export_json(template):
    return json.dumps(template_data(template), ensure_ascii=False, indent=2).encode("utf-8")


# --- reading a file --------------------------------------------------------------------------


def _fail(message, **params):
    raise ValidationError(message % params if params else message)


def _text(value, max_length, where, *, multiline=False):
    if not isinstance(value, str):
        _fail(_("%(where)s is not a text."), where=where)
    text = clean_text(value, multiline=multiline)
    if len(text) > max_length:
        _fail(_("%(where)s is longer than %(max)d characters."), where=where, max=max_length)
    return text


def _title(value):
    if not isinstance(value, dict) or not value:
        _fail(_("The title is missing."))
    title = {}
    for language, text in value.items():
        if language not in _languages():
            _fail(
                _("The title has an unknown language: %(language)s."), language=str(language)[:10]
            )
        title[language] = _text(text, TITLE_MAX, _("The title"))
    if not any(title.values()):
        _fail(_("The title is missing."))
    return title


def _check_config(value, depth=0):
    if depth > CONFIG_MAX_DEPTH:
        raise ValueError("too deep")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or len(key) > 100:
                raise ValueError("bad key")
            _check_config(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_config(item, depth + 1)
    elif isinstance(value, str):
        if len(value) > CONFIG_STRING_MAX:
            raise ValueError("long text")
    elif not (value is None or isinstance(value, (bool, int, float))):
        raise ValueError("bad value")


@functools.lru_cache(maxsize=1)
def _reference_configs():
    """Each kind's options as the toolkit has them: an imported step's options must have
    the same shape where they overlap, so a kind never meets a list where it reads a dict."""
    path = Path(settings.BASE_DIR) / "fixtures" / "toolkit-2017.json"
    steps = json.loads(path.read_text(encoding="utf-8"))["steps"]
    return {step["kind"]: step.get("config", {}) for step in steps}


def _same_shape(value, reference):
    if isinstance(reference, dict):
        return isinstance(value, dict) and all(
            _same_shape(value[key], reference[key]) for key in value.keys() & reference.keys()
        )
    if isinstance(reference, list):
        return isinstance(value, list) and (
            not reference or all(_same_shape(item, reference[0]) for item in value)
        )
    if isinstance(reference, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(reference, bool)
    if isinstance(reference, (int, float)):
        return isinstance(value, (int, float))
    if isinstance(reference, str):
        return isinstance(value, str)
    return True


def _step(raw, number, known_kinds):
    where = _("Step %(number)d") % {"number": number}
    if not isinstance(raw, dict):
        _fail(_("%(where)s is not a step."), where=where)
    unknown = set(raw) - set(STEP_FIELDS)
    if unknown:
        _fail(
            _("%(where)s has unknown fields: %(fields)s."),
            where=where,
            fields=", ".join(sorted(str(field)[:30] for field in unknown)),
        )
    key = raw.get("key")
    if not isinstance(key, str) or not key or slugify(key) != key or len(key) > 60:
        _fail(_("%(where)s needs a key of letters, digits and hyphens."), where=where)
    kind = raw.get("kind")
    if kind not in known_kinds:
        _fail(
            _("%(where)s has an exercise kind this app does not know: %(kind)s."),
            where=where,
            kind=str(kind)[:40],
        )
    minutes = raw.get("minutes")
    if type(minutes) is not int or not 0 <= minutes <= MAX_MINUTES:
        _fail(
            _("%(where)s: the minutes must be a whole number from 0 to %(max)d."),
            where=where,
            max=MAX_MINUTES,
        )
    optional = raw.get("optional", False)
    if not isinstance(optional, bool):
        _fail(_("%(where)s: “optional” must be true or false."), where=where)
    texts = raw.get("texts")
    if not isinstance(texts, dict) or not texts:
        _fail(_("%(where)s has no texts."), where=where)
    clean_texts = {}
    for language, entry in texts.items():
        if language not in _languages():
            _fail(
                _("%(where)s has texts in an unknown language: %(language)s."),
                where=where,
                language=str(language)[:10],
            )
        if not isinstance(entry, dict) or set(entry) - set(STEP_TEXT_MAX):
            _fail(_("%(where)s: texts have a title, a body and an instruction."), where=where)
        clean_texts[language] = {
            field: _text(entry[field], limit, where, multiline=field != "title")
            for field, limit in STEP_TEXT_MAX.items()
            if field in entry  # a language may have a title only (the phone's languages)
        }
    config = raw.get("config", {})
    if not isinstance(config, dict):
        _fail(_("%(where)s: the options are not readable."), where=where)
    try:
        _check_config(config)
        size = len(json.dumps(config, ensure_ascii=False).encode("utf-8"))
    except (ValueError, TypeError):
        _fail(_("%(where)s: the options are not readable."), where=where)
    if size > CONFIG_MAX_BYTES:
        _fail(_("%(where)s: the options are too large."), where=where)
    if not _same_shape(config, _reference_configs().get(kind, {})):
        _fail(_("%(where)s: the options are not readable."), where=where)
    return {
        "key": key,
        "kind": kind,
        "optional": optional,
        "minutes": minutes,
        "texts": clean_texts,
        "config": config,
    }


def parse_template_file(content):
    """The checked template from a file's bytes; ValidationError with a clear message."""
    if len(content) > MAX_FILE_BYTES:
        _fail(_("The file is too large: at most %(max)d KB."), max=MAX_FILE_BYTES // 1024)
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # nested too deep: a trap
        _fail(_("This is not an agenda file: it is not readable JSON."))
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        _fail(_("This is not an agenda file of this app."))
    if data.get("version") != VERSION:
        _fail(_("This agenda file has a version this app cannot read."))
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps:
        _fail(_("The agenda has no steps."))
    if len(steps) > MAX_STEPS:
        _fail(_("The agenda has too many steps: at most %(max)d."), max=MAX_STEPS)
    known_kinds = set(all_kinds())
    clean_steps = [_step(raw, number, known_kinds) for number, raw in enumerate(steps, start=1)]
    keys = [step["key"] for step in clean_steps]
    if len(set(keys)) != len(keys):
        _fail(_("Two steps have the same key."))
    source = data.get("source", "")
    return {
        "title": _title(data.get("title")),
        "source": _text(source, SOURCE_MAX, _("The source")) if source else "",
        "steps": clean_steps,
    }


# --- writing -----------------------------------------------------------------------------------


def _new_slug(title):
    base = slugify(next(iter(title.values()), ""))[:30] or "agenda"
    return f"{base}-{secrets.token_hex(4)}"


@transaction.atomic
def create_template(owner, *, title, source, steps):
    """A new template of `owner`'s own from checked data; all of it or nothing."""
    template = AgendaTemplate.objects.create(
        slug=_new_slug(title), title=title, source=source, owner=owner
    )
    TemplateStep.objects.bulk_create(
        TemplateStep(template=template, position=position, **step)
        for position, step in enumerate(steps, start=1)
    )
    return template


def import_template(owner, content):
    return create_template(owner, **parse_template_file(content))


def save_session_as_template(session, owner, title):
    """The session's agenda as prepared (steps, texts, options, minutes) as a template.

    Steps switched off in the session become optional steps of the template.
    """
    steps = [
        {
            "key": step.key,
            "kind": step.kind,
            "optional": step.optional or step.skipped,
            "minutes": step.minutes,
            "texts": step.texts,
            "config": step.config,
        }
        for step in session.steps.order_by("position")
    ]
    source = session.template.source if session.template else ""
    return create_template(owner, title={session.language: title}, source=source, steps=steps)
