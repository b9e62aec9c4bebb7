"""Time and peak memory of building the PDF report of the demo session at several sizes.

    make bench-report        (or: DEBUG=1 .venv/bin/python bench/report_bench.py 20 60 200)

Each size runs in a fresh SQLite database in a temporary folder; the figures go to stdout
as a Markdown table, ready for docs/benchmarks.md.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import os, resource, sys, time
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
call_command("migrate", verbosity=0)
call_command("demo_session", "--participants", sys.argv[1], verbosity=0)
from sessions.models import Session
from sessions.report import render_report_pdf
session = Session.objects.get()
render_report_pdf(session)  # warm-up: fonts, templates
from django.db import reset_queries
reset_queries()  # the log keeps 9,000 queries: make room for the measured ones
start = time.perf_counter()
with CaptureQueriesContext(connection) as queries:
    pdf = render_report_pdf(session)
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
contributions = session.contributions.count()
size_kb = len(pdf) // 1024
print(f"{sys.argv[1]}|{contributions}|{seconds:.2f}|{peak_mb:.0f}|{size_kb}|{len(queries)}")
"""


def main(sizes):
    columns = ["participants", "contributions", "PDF time (s)", "peak memory (MB)"]
    columns += ["PDF size (KB)", "queries"]
    print("| " + " | ".join(columns) + " |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "workshop.settings",
                "DEBUG": "1",
                "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
                "MEDIA_ROOT": folder,
            }
            result = subprocess.run(
                [sys.executable, "-c", CHILD, str(size)],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            row = result.stdout.strip().splitlines()[-1].split("|")
            print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    started = time.perf_counter()
    main([int(arg) for arg in sys.argv[1:]] or [20, 60, 200])
    print(f"\n(total {time.perf_counter() - started:.0f} s, {os.cpu_count()} cores)")
