"""The live session under load, served the way production serves it. `make bench` runs it.

    .venv/bin/python bench/live_bench.py [--phones 1000] [--seconds 120] [--burst 300]

1. A fresh database (SQLite in WAL mode in a temporary folder; with DATABASE_URL set to a
   PostgreSQL server, a fresh `workshop_bench` database there), migrated, the toolkit
   loaded, static files collected, a facilitator and two live sessions made.
2. gunicorn with gunicorn.conf.py (README, "Deploy") and bench/settings.py: the product's
   settings plus a bare "hello" view, Django's own ceiling on this machine.
3. The phone page's weight (compressed) and the bytes of a poll that finds nothing new.
4. locust, headless, in four phases against that one server:
   live           N phones join and poll every interval, fetch the panel when the step
                  changes and write a note on the strength step; the facilitator moves the
                  agenda every 20 s; the projector fetches the results on every change.
   burst          300 other phones join, wait for each other, answer within one second.
   ceiling-poll   as many polls as the server answers (64 clients, no pause) ...
   ceiling-hello  ... and as many requests to the bare view: the ratio of the two.
5. One table on stdout, Markdown, for docs/benchmarks.md.
"""

import argparse
import csv
import gzip
import http.client
import json
import os
import re
import resource
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_database(folder):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{folder}/bench.sqlite3", "SQLite (WAL)"
    import psycopg

    parts = urllib.parse.urlsplit(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS workshop_bench WITH (FORCE)")
        connection.execute("CREATE DATABASE workshop_bench")
    return parts._replace(path="/workshop_bench").geturl(), "PostgreSQL"


def manage(env, *args, capture=False):
    command = [sys.executable, "manage.py", *args]
    if capture:
        return subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def fixture(env, *args):
    output = subprocess.run(
        [sys.executable, "-m", "bench.fixtures", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def wait_until_up(base, server, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn stopped while starting; see its log above")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:  # not listening yet, or still starting its workers
            time.sleep(0.3)
    sys.exit("gunicorn did not answer /healthz")


# -- What a phone downloads --------------------------------------------------------------
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="([^"]+)"')
ANY_URL = re.compile(r'(?:href|src|action)="([^"]+)"|url\(([^)]+)\)')


def phone_page_weight(base, code):
    """Join as a phone, then weigh the page: compressed bytes of HTML, CSS and JS."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    page = opener.open(f"{base}/j/{code}").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"csrfmiddlewaretoken": token, "name": "Weegschaal", "side": "informal"}
    form["language"] = "nl"
    form["organisation"] = re.search(r'<option value="(\d+)"', page).group(1)
    opener.open(f"{base}/j/{code}", data=urllib.parse.urlencode(form).encode()).read()
    html = opener.open(f"{base}/p/{code}/").read()
    # gunicorn does not compress HTML; the proxy in front does (docs/deploy.md: gzip on).
    sizes = {"HTML": len(gzip.compress(html, 6)), "CSS": 0, "JS": 0}
    foreign = [u for u in _urls(html.decode()) if _is_foreign(u, base)]
    for asset in ASSET.findall(html.decode()):
        if not asset.endswith((".css", ".js")):
            continue
        request = urllib.request.Request(urllib.parse.urljoin(base + "/", asset))
        request.add_header("Accept-Encoding", "gzip")
        with opener.open(request) as response:
            body = response.read()
            if asset.endswith(".css"):
                text = gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body
                foreign += [u for u in _urls(text.decode()) if _is_foreign(u, base)]
        sizes["CSS" if asset.endswith(".css") else "JS"] += len(body)
    return sizes, foreign


def _urls(text):
    return [a or b.strip("'\" ") for a, b in ANY_URL.findall(text)]


def _is_foreign(url, base):
    return url.startswith(("http://", "https://", "//")) and not url.startswith(base)


def poll_bytes_on_the_wire(port, code):
    """The whole HTTP response to a poll that finds nothing new, headers included."""
    version = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/live/{code}"))["v"]
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(f"GET /live/{code}?v={version} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        received = b""
        while b"\r\n\r\n" not in received:
            received += sock.recv(4096)
    return len(received), received.split(b"\r\n", 1)[0].decode()


class ProbePhone(threading.Thread):
    """One more phone, outside locust: polls like live.js, every 0.1 s, on its own kept-alive
    connection, timing each answer itself. locust runs a thousand phones in one process on the
    same two cores, and its figures include the time a response waited for locust; this
    phone's are the server's alone (and this process does nothing else meanwhile)."""

    def __init__(self, port, code, every=0.1):
        super().__init__(daemon=True)
        self.port, self.code, self.every = port, code, every
        self.times = []
        self.stopping = threading.Event()

    def run(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        version = ""
        while not self.stopping.wait(self.every):
            started = time.perf_counter()
            try:
                connection.request("GET", f"/live/{self.code}?v={version}")
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):  # closed by the server: reconnect
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                continue
            self.times.append((time.perf_counter() - started) * 1000)
            if response.status == 200:
                version = str(json.loads(body)["v"])

    def stop(self):
        self.stopping.set()
        self.join(timeout=15)
        return sorted(self.times)


# -- locust ----------------------------------------------------------------------------------
def run_locust(env, base, phase, users, spawn_rate, seconds, folder):
    prefix = folder / phase
    subprocess.run(
        [
            str(VENV_BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--host",
            base,
            "-u",
            str(users),
            "-r",
            str(spawn_rate),
            "-t",
            f"{seconds}s",
            "--stop-timeout",
            "5",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env={**env, "BENCH_PHASE": phase, "BENCH_TRACE": str(folder / f"{phase}_trace.csv")},
        cwd=ROOT,
        check=False,  # locust exits 1 when a request failed; the table shows the failures
        stdout=subprocess.DEVNULL,
        stderr=open(folder / f"{phase}.log", "w"),
    )
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def worker_memory_mb(server_pid):
    """Resident memory of gunicorn's master and workers, in MB."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        pid = int(status.parent.name)
        ppid = int(re.search(r"PPid:\s+(\d+)", text).group(1))
        rss = re.search(r"VmRSS:\s+(\d+)", text)
        if rss and (pid == server_pid or ppid == server_pid):
            total += int(rss.group(1))
    return total / 1024


def server_cpu_seconds(server_pid):
    """CPU time (user + system) used so far by gunicorn's master and its workers."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == server_pid or ppid == server_pid:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def machine_cpu_ticks():
    """(all, busy, stolen) CPU ticks of the whole machine so far, from /proc/stat. On a
    virtual machine "stolen" is time the host gave to someone else: a run with much of it
    measured a slower machine than the cores say, so the report prints it. "Busy" is every
    process's time: what gunicorn and locust did not use of it is the database's (PostgreSQL's
    server processes come and go with the connections, so they are not counted one by one)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    everything, idle, iowait, stolen = sum(fields[:8]), fields[3], fields[4], fields[7]
    return everything, everything - idle - iowait - stolen, stolen


def locust_cpu_seconds():
    """CPU time used so far by the locust runs this script has waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def server_times(log_text):
    """Per view, the milliseconds the app itself took (from its JSON request log)."""
    times = {}
    for line in log_text.splitlines():
        if '"view"' not in line:
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        times.setdefault(entry["view"] or "-", []).append(entry["ms"])
    return {view: sorted(values) for view, values in times.items()}


def percentile(values, fraction):
    return values[min(len(values) - 1, int(len(values) * fraction))]


def row(stats, name, label=None):
    entry = stats.get(name)
    if entry is None:
        return f"| {label or name} | – | – | – | – | – | – |"
    return (
        f"| {label or name} | {int(entry['Request Count'])} | {float(entry['Requests/s']):.1f} "
        f"| {entry['50%']} | {entry['95%']} | {entry['99%']} | {entry['Failure Count']} |"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument(
        "--seconds", type=int, default=120, help="the live phase, after everyone has joined"
    )
    parser.add_argument("--join-rate", type=int, default=20, help="phones joining per second")
    parser.add_argument("--burst", type=int, default=300)
    parser.add_argument("--ceiling-seconds", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the folder with CSVs and logs")
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="workshop-bench-"))
    database_url, database_name = fresh_database(folder)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    password = secrets.token_urlsafe(12)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_MANIFEST": "1",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(folder / "media"),
        "BIND": f"127.0.0.1:{port}",
        "PYTHONPATH": str(ROOT),
    }
    print(f"# Preparing {database_name} in {folder} …", file=sys.stderr)
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    manage(env, "load_toolkit")
    manage(env, "collectstatic", "--noinput")
    setup = fixture(env, "prepare", password)
    interval = int(os.environ.get("LIVE_POLL_INTERVAL_MS", "1500")) / 1000
    env.update(
        BENCH_CODE=setup["code"],
        BENCH_STEPS=",".join(map(str, setup["steps"])),
        BENCH_BURST_CODE=setup["burst_code"],
        BENCH_BURST_STEP=str(setup["burst_step"]),
        BENCH_BURST_SIZE=str(options.burst),
        BENCH_INTERVAL=str(interval),
        BENCH_USER="bench",
        BENCH_PASSWORD=password,
    )

    server_log = open(folder / "gunicorn.log", "w")
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "workshop.wsgi"],
        env=env,
        cwd=ROOT,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(base, server)
        weight, foreign = phone_page_weight(base, setup["burst_code"])
        poll_bytes, poll_status = poll_bytes_on_the_wire(port, setup["code"])

        print(f"# live: {options.phones} phones for {options.seconds} s …", file=sys.stderr)
        arriving = options.phones // options.join_rate + 5
        cpu_before = server_cpu_seconds(server.pid), locust_cpu_seconds(), time.time()
        machine_before = machine_cpu_ticks()
        probe = ProbePhone(port, setup["code"])
        probe.start()
        live = run_locust(
            env,
            base,
            "live",
            options.phones + 2,
            options.join_rate,
            arriving + options.seconds,
            folder,
        )
        probe_times = probe.stop()
        memory = worker_memory_mb(server.pid)
        cpu = (
            server_cpu_seconds(server.pid) - cpu_before[0],
            locust_cpu_seconds() - cpu_before[1],
            time.time() - cpu_before[2],
        )
        machine_after = machine_cpu_ticks()
        ticks = os.sysconf("SC_CLK_TCK")
        all_ticks = max(1, machine_after[0] - machine_before[0])
        busy_seconds = (machine_after[1] - machine_before[1]) / ticks
        stolen = (machine_after[2] - machine_before[2]) / all_ticks
        print(f"# burst: {options.burst} phones …", file=sys.stderr)
        burst = run_locust(env, base, "burst", options.burst, options.burst, 90, folder)
        stored = fixture(env, "count", setup["burst_code"])["notes"]
        print("# ceilings …", file=sys.stderr)
        poll_max = run_locust(env, base, "ceiling-poll", 64, 64, options.ceiling_seconds, folder)
        hello_max = run_locust(env, base, "ceiling-hello", 64, 64, options.ceiling_seconds, folder)
    finally:
        server.terminate()
        server.wait(timeout=30)
        server_log.close()
    log = (folder / "gunicorn.log").read_text()
    locked = log.count("database is locked")
    errors_in_log = len(re.findall(r"^\S.*(?:Traceback|ERROR)", log, re.MULTILINE))

    cores = os.cpu_count()
    print(f"\n{time.strftime('%Y-%m-%d')}, {cores} cores, {database_name}, gunicorn gthread ")
    print(
        f"({os.environ.get('WEB_CONCURRENCY', 2 * cores)} workers × "
        f"{os.environ.get('GUNICORN_THREADS', '4')} threads), locust on the same machine.\n"
    )
    phones, seconds = options.phones, options.seconds
    print(
        f"Live phase: {phones} phones join ({options.join_rate} a second), then poll every "
        f"{interval:g} s for {seconds} s while the facilitator moves the agenda every 20 s; "
        "each phone writes a note on each visit of the strength step. Figures cover the whole "
        "phase, joining included.\n"
    )
    print("| endpoint | requests | req/s | p50 (ms) | p95 (ms) | p99 (ms) | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in ["poll", "panel", "submit", "projector results", "join", "navigate"]:
        print(row(live, name))
    if "submit (resent)" in live:
        print(row(live, "submit (resent)", "submit resent after a dropped connection"))
    print(row(live, "propagation", "step change → phone (propagation)"))
    print(row(live, "Aggregated", "all requests"))
    if probe_times:
        print(
            f"\nOne more phone polling every 0.1 s from outside locust (its own process and "
            f"connection), {len(probe_times)} polls: p50 {percentile(probe_times, 0.5):.0f} ms, "
            f"p95 {percentile(probe_times, 0.95):.0f} ms, "
            f"p99 {percentile(probe_times, 0.99):.0f} ms."
        )
    print(f"\nBurst: {options.burst} phones answering within one second.\n")
    print("| endpoint | requests | req/s | p50 (ms) | p95 (ms) | p99 (ms) | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(row(burst, "submit", "submit (burst)"))
    resent = int(burst.get("submit (resent)", {}).get("Request Count", 0))
    if resent:
        print(row(burst, "submit (resent)", "submit resent after a dropped connection"))
    submitted = int(burst.get("submit", {}).get("Request Count", 0))
    failed = sum(
        int(burst.get(name, {}).get("Failure Count", 0)) for name in ["submit", "submit (resent)"]
    )
    print(f"\nBurst answers sent {submitted}, failed {failed}, stored {stored}.")
    print(f'"database is locked" in the server log: {locked}; errors logged: {errors_in_log}.')
    print("\nTime spent in the app (its request log), all phases, in ms:\n")
    print("| view | requests | p50 | p95 | p99 |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for view, values in sorted(server_times(log).items(), key=lambda item: -len(item[1])):
        if len(values) >= 10:
            print(
                f"| {view} | {len(values)} | {percentile(values, 0.5)} "
                f"| {percentile(values, 0.95)} | {percentile(values, 0.99)} |"
            )
    poll_rps = float(poll_max.get("poll", {}).get("Requests/s", 0))
    hello_rps = float(hello_max.get("hello", {}).get("Requests/s", 0))
    ratio = poll_rps / hello_rps if hello_rps else 0
    print(f"\nCeiling (64 clients, no pause, {options.ceiling_seconds} s each):")
    print(f"poll {poll_rps:.0f} req/s, bare Django view {hello_rps:.0f} req/s: {ratio:.0%}.")
    total = sum(weight.values())
    parts = ", ".join(f"{name} {size / 1024:.1f} KB" for name, size in weight.items())
    print(f"\nPhone page, first load: {total / 1024:.1f} KB compressed ({parts});")
    print(f"requests to other hosts: {len(foreign) or 'none'}.")
    print(f"A poll that finds nothing new: {poll_bytes} bytes on the wire ({poll_status}).")
    print(f"Server memory after the live phase: {memory:.0f} MB (master and workers).")
    server_cpu, locust_cpu, wall = cpu
    rest = max(0.0, busy_seconds - server_cpu - locust_cpu)
    print(
        f"CPU in the live phase ({wall:.0f} s, {cores} cores): the server {server_cpu:.0f} s "
        f"({server_cpu / wall:.2f} cores), locust {locust_cpu:.0f} s "
        f"({locust_cpu / wall:.2f} cores), the rest (the database, the system) {rest:.0f} s "
        f"({rest / wall:.2f} cores); taken by the virtual machine's host (steal): "
        f"{stolen:.0%} of the machine's CPU time."
    )
    if options.keep:
        print(f"\nCSV files and logs: {folder}", file=sys.stderr)
    else:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
