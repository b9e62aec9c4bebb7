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


def test_each_worker_hands_the_interpreter_lock_on_every_millisecond(monkeypatch):
    import runpy
    import sys
    from pathlib import Path

    config = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    monkeypatch.delenv("GIL_SWITCH_INTERVAL_MS", raising=False)
    default = sys.getswitchinterval()
    try:
        config["post_worker_init"](None)
        assert sys.getswitchinterval() == 0.001
        monkeypatch.setenv("GIL_SWITCH_INTERVAL_MS", "5")
        config["post_worker_init"](None)
        assert sys.getswitchinterval() == 0.005
    finally:
        sys.setswitchinterval(default)
        gc.unfreeze()
