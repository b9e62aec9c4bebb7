"""Make a freshly started server process ready before it takes requests (gunicorn.conf.py).

Python's cyclic garbage collector stops every thread of a process while it walks all
container objects it tracks. A worker holds about 90,000 of them after start-up (modules,
classes, URL patterns, compiled templates); a full collection of those took 40–50 ms of CPU,
80–125 ms of wall time under load, and every poll that process held waited as long
(docs/benchmarks.md). After the freeze a full collection takes 5–10 ms. Objects that
live as long as the process never become garbage, so once start-up is done they are moved out
of the collector's sight with `gc.freeze()`: a full collection then only walks what requests
left behind, a few milliseconds.

Start-up is what Django would otherwise do lazily on the first requests: resolve the URL
patterns, compile the templates, load the translation catalogues. Doing it here also spares
the first visitors of each process that wait.
"""

import gc
from pathlib import Path

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver
from django.utils import translation


def template_names():
    """Every template in the project's templates folder, as get_template() names it."""
    for folder in settings.TEMPLATES[0]["DIRS"]:
        root = Path(folder)
        for path in sorted(root.rglob("*.html")):
            yield path.relative_to(root).as_posix()


def warm_up():
    get_resolver()._populate()
    engine = engines["django"]
    for name in template_names():
        try:
            engine.get_template(name)
        except (TemplateDoesNotExist, TemplateSyntaxError):  # compiled on use, as before
            continue
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Send")
    gc.collect()
    gc.freeze()
