"""deploy/nginx.conf, as shipped, in front of gunicorn as production runs it.

Only what cannot be the same on a test machine is changed: the ports, the certificate (a
self-signed one made here) and the paths nginx writes to.
"""

import gzip
import http.client
import json
import re
import shutil
import socket
import ssl
import subprocess
import time

import pytest

from tests.appserver import (
    ROOT,
    AppServer,
    create_live_session,
    free_port,
    manage,
    prepare_database,
    production_env,
)

HOST = "workshop.example.nl"


def wait_for_port(port, process, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("nginx stopped while starting")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nginx")
    env = production_env(
        folder,
        ALLOWED_HOSTS=HOST,
        BEHIND_HTTPS_PROXY="1",
        SECURE_COOKIES="1",
        STATIC_MANIFEST="1",
        STATIC_ROOT=str(folder / "static"),
        JOIN_ATTEMPTS_PER_WINDOW="3",
    )
    prepare_database(env)
    manage(env, "collectstatic", "--noinput")
    code, _step = create_live_session(env)

    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-subj", f"/CN={HOST}", "-keyout", folder / "key.pem", "-out", folder / "cert.pem"],
        check=True,
        capture_output=True,
    )
    http_port, https_port = free_port(), free_port()
    with AppServer(env, workers=2) as app:
        shipped = (ROOT / "deploy" / "nginx.conf").read_text()
        local = (
            shipped.replace("127.0.0.1:8000", f"127.0.0.1:{app.port}")
            .replace("listen 80;", f"listen 127.0.0.1:{http_port};")
            .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
            .replace(f"/etc/letsencrypt/live/{HOST}/fullchain.pem", str(folder / "cert.pem"))
            .replace(f"/etc/letsencrypt/live/{HOST}/privkey.pem", str(folder / "key.pem"))
            .replace("/var/www/certbot", str(folder / "certbot"))
        )
        # The test machine may have no IPv6: the [::] lines are the IPv4 ones again.
        local = "\n".join(line for line in local.splitlines() if "listen [::]" not in line)
        assert local.count("127.0.0.1:") == 3, "the shipped file changed: update this test"
        (folder / "site.conf").write_text(local)
        (folder / "nginx.conf").write_text(
            f"""
            daemon off;
            worker_processes 1;
            pid {folder}/nginx.pid;
            error_log {folder}/nginx-error.log;
            events {{}}
            http {{
                include /etc/nginx/mime.types;
                access_log off;
                client_body_temp_path {folder}/body;
                proxy_temp_path {folder}/proxy;
                fastcgi_temp_path {folder}/fastcgi;
                uwsgi_temp_path {folder}/uwsgi;
                scgi_temp_path {folder}/scgi;
                include {folder}/site.conf;
            }}
            """
        )
        nginx = subprocess.Popen(
            [shutil.which("nginx") or "/usr/sbin/nginx", "-c", folder / "nginx.conf"]
            + ["-p", folder, "-e", folder / "nginx-error.log"],
            stderr=subprocess.PIPE,
        )
        try:
            wait_for_port(https_port, nginx)
            yield {"http": http_port, "https": https_port, "code": code, "app": app}
        finally:
            nginx.terminate()
            nginx.wait(timeout=10)


def request(site, method, path, *, secure=True, headers=None, body=None):
    if secure:
        context = ssl._create_unverified_context()  # the self-signed certificate made above
        connection = http.client.HTTPSConnection("127.0.0.1", site["https"], context=context)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", site["http"])
    connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
    response = connection.getresponse()
    content = response.read()
    connection.close()
    return response, content


def test_plain_http_is_sent_to_https(site):
    response, _ = request(site, "GET", f"/j/{site['code']}", secure=False)
    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOST}/j/{site['code']}"


def test_the_health_check_answers_through_the_proxy(site):
    response, content = request(site, "GET", "/healthz")
    assert response.status == 200
    assert json.loads(content) == {"status": "ok"}


def test_pages_arrive_compressed_with_the_security_headers_and_secure_cookies(site):
    response, content = request(
        site, "GET", f"/j/{site['code']}", headers={"Accept-Encoding": "gzip"}
    )
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert (
        "Meedoen" in gzip.decompress(content).decode()
        or "Join" in gzip.decompress(content).decode()
    )
    assert "max-age=" in response.getheader("Strict-Transport-Security")
    assert "script-src 'self'" in response.getheader("Content-Security-Policy")
    cookies = response.getheader("Set-Cookie") or ""
    assert "csrftoken" in cookies and "Secure" in cookies


def test_static_files_are_hashed_compressed_and_cached_for_long(site):
    _, page = request(site, "GET", f"/j/{site['code']}")
    stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page.decode())
    assert stylesheet, "the page links the hashed stylesheet"
    response, content = request(
        site, "GET", stylesheet.group(1), headers={"Accept-Encoding": "gzip"}
    )
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert "immutable" in response.getheader("Cache-Control")
    assert b"font" in gzip.decompress(content)


def test_a_phone_joins_over_https_and_gets_a_secure_participant_cookie(site):
    code = site["code"]
    response, page = request(site, "GET", f"/j/{code}")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.decode()).group(1)
    csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie")).group(1)
    organisation = re.search(r'<option value="(\d+)"', page.decode()).group(1)
    form = f"csrfmiddlewaretoken={token}&name=Samira&side=informal&language=nl"
    form += f"&organisation={organisation}"
    response, _ = request(
        site,
        "POST",
        f"/j/{code}",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie}",
            "Referer": f"https://{HOST}/j/{code}",
        },
    )
    assert response.status == 302
    participant_cookie = [c for c in response.msg.get_all("Set-Cookie") if "csrftoken" not in c]
    assert participant_cookie and "Secure" in participant_cookie[0]
    assert "HttpOnly" in participant_cookie[0]


def test_a_phone_cannot_dodge_the_join_limit_with_its_own_forwarded_address(site):
    statuses = [
        request(site, "GET", f"/j/GUESS{n}", headers={"X-Forwarded-For": f"10.0.0.{n}"})[0].status
        for n in range(4)
    ]
    assert statuses == [404, 404, 404, 429]


def test_an_absurdly_large_upload_is_stopped_by_nginx(site):
    response, _ = request(
        site,
        "POST",
        f"/p/{site['code']}/question",
        body=b"x" * (11 * 1024 * 1024),
        headers={"Content-Type": "application/octet-stream"},
    )
    assert response.status == 413


def test_the_request_log_has_no_client_address(site):
    request(site, "GET", "/healthz")
    lines = [line for line in site["app"].read_log().splitlines() if '"view"' in line]
    assert lines
    assert not any("127.0.0.1" in line or "10.0.0." in line for line in lines)
    assert all(json.loads(line)["logger"] == "workshop.requests" for line in lines)


def test_a_head_request_gets_the_headers_and_leaves_no_warning_in_the_log(site):
    """Uptime monitors ask with HEAD, often every minute: the answer is the GET's headers
    without a body, and gunicorn, which drops a body sent anyway, must have no reason to log
    a warning for each probe."""
    for path in ("/healthz", "/login/", "/"):
        response, content = request(site, "HEAD", path)
        assert response.status == 200, path
        assert content == b""
        assert response.getheader("Content-Type", "").startswith(("text/html", "application/json"))
    assert "no-body response" not in site["app"].read_log()
