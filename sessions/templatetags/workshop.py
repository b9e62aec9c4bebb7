from django import template
from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from ..models import localized

register = template.Library()


@register.filter
def deck_text(text):
    """The deck's tiny text format as HTML: blank line = paragraph, "- " = bullet, "## " = heading.

    Every piece of text is escaped; only the structure is ours.
    """
    blocks, bullets = [], []

    def flush_bullets():
        if bullets:
            items = format_html_join("", "<li>{}</li>", ((b,) for b in bullets))
            blocks.append(format_html("<ul>{}</ul>", items))
            bullets.clear()

    for block in (text or "").split("\n\n"):
        for line in (line.strip() for line in block.split("\n")):
            if line.startswith("- "):
                bullets.append(line[2:])
                continue
            flush_bullets()
            if line.startswith("## "):
                blocks.append(format_html("<h3>{}</h3>", line[3:]))
            elif line:
                blocks.append(format_html("<p>{}</p>", line))
        flush_bullets()
    return mark_safe("".join(blocks))


@register.filter
def in_language(texts, language):
    """A {"nl": ..., "en": ...} value in the given language, falling back to Dutch."""
    return localized(texts, language)


@register.filter
def clock(seconds):
    """Seconds as m:ss; negative (over time) as +m:ss."""
    seconds = int(seconds or 0)
    sign = "+" if seconds < 0 else ""
    seconds = abs(seconds)
    return f"{sign}{seconds // 60}:{seconds % 60:02d}"


@register.simple_tag
def session_languages():
    """The languages the facilitator's pages, the wall and the report are complete in."""
    return settings.SESSION_LANGUAGES


@register.filter
def text_lang(item):
    """` lang="…" dir="auto"` for text a person typed, in its own language.

    `item` is a contribution, a dict with a "language" key, or a language code. A Turkish
    note on a Dutch wall is then read (and shaped) as Turkish by screen readers and fonts;
    dir="auto" lets the browser set Arabic right to left inside a left-to-right page.
    """
    if isinstance(item, str):
        language = item
    elif isinstance(item, dict):
        language = item.get("language", "")
    else:
        language = getattr(item, "language", "")
    if not language:
        return mark_safe(' dir="auto"')
    return format_html(' lang="{}" dir="auto"', language)
