"""gunicorn in production: `make serve`, or `.venv/bin/gunicorn -c gunicorn.conf.py workshop.wsgi`.

Every value can be set from the environment, so a deployment changes none of this file.
"""

import multiprocessing
import os
import sys

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Threaded workers keep phones' connections alive between polls; a poll is a few ms of work,
# so two processes per core with a few threads each keep both cores busy.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A phone polls every 1.5 s: keep its connection open longer than that.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Generating a report PDF for a large session can take several seconds.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
# The app logs its own requests (without personal data); gunicorn logs only its errors.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# gunicorn's control socket lives at one path per user: two servers on one machine (a test
# and a benchmark, or two deployments) would take it from each other. Nothing here uses it.
control_socket_disable = True


def post_worker_init(worker):
    # How long a thread may keep Python's interpreter lock while another waits for it: 1 ms
    # instead of Python's 5. A poll hands the lock on several times (dispatch, the database's
    # round trip, the reply), and behind a thread rendering a page each hand-over waited up to
    # 5 ms: poll p95 53 → 19–27 ms on PostgreSQL with two workers (docs/benchmarks.md).
    sys.setswitchinterval(float(os.environ.get("GIL_SWITCH_INTERVAL_MS", "1")) / 1000)
    # Compile the templates and load the catalogues, then hide the start-up objects from the
    # garbage collector, whose full passes otherwise stop every thread of the worker for
    # 40–50 ms of CPU under load (workshop/warmup.py, docs/benchmarks.md).
    from workshop.warmup import warm_up

    warm_up()
