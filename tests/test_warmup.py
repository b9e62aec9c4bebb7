"""A server process's start-up (workshop/warmup.py, run by gunicorn.conf.py for each worker)."""

import gc

from django.template import engines

from workshop.warmup import template_names, warm_up


def test_warm_up_compiles_every_template_and_hides_start_up_objects_from_the_collector():
    names = list(template_names())
    assert "phone/session.html" in names and "exercises/strength.html" in names
    # template-partials' loader wraps Django's cached loader, which keeps compiled templates.
    loader = engines["django"].engine.template_loaders[0].loaders[0]
    loader.reset()
    try:
        warm_up()
        frozen = gc.get_freeze_count()
    finally:
        gc.unfreeze()
    assert [name for name in names if name not in loader.get_template_cache] == []
    # Modules, classes, URL patterns and templates: tens of thousands of objects that a full
    # collection no longer walks.
    assert frozen > 20_000
