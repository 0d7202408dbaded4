"""The container images: Dockerfile structure that hadolint and checkov do not check, and the
web app's nginx.conf run for real (Debian's nginx) against a small built-app fixture."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT

FIXTURE_DIST = Path(__file__).parent / "fixtures" / "dist"


def stages(dockerfile: Path) -> list[list[str]]:
    """Instructions per stage, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", dockerfile.read_text())
    out: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            out.append([])
        if out:
            out[-1].append(line)
    return out


def instr(stage: list[str], name: str) -> list[str]:
    return [line[len(name) + 1:].strip() for line in stage if line.upper().startswith(name + " ")]


def test_backend_image_is_multi_stage_with_a_bare_non_root_runtime():
    st = stages(ROOT / "backend" / "Dockerfile")
    assert len(st) >= 3
    build, final = st[-2], st[-1]
    assert any("uv sync --frozen --no-dev" in r for r in instr(build, "RUN"))
    froms = [s[0] for s in st]
    assert all(re.match(r"^FROM [^:\s]+:\S*\d+\.\d+\S*( AS \w+)?$", f) for f in froms), froms
    assert froms[-1].split()[1] == froms[-2].split()[1], "build and runtime use the same Python image"
    # nothing from the build toolchain in the final stage
    assert not any("uv" in c.split()[0] for c in instr(final, "COPY") if c.startswith("--from=uv"))
    assert all("--from=build" in c for c in instr(final, "COPY"))
    assert not any(re.search(r"apt-get install|pip install|gcc|build-essential", r) for r in instr(final, "RUN"))
    assert instr(final, "USER") == ["10001:10001"]
    assert instr(final, "EXPOSE") == ["8000"]
    env = " ".join(instr(final, "ENV"))
    assert "PYTHONDONTWRITEBYTECODE=1" in env
    assert json.loads(instr(final, "ENTRYPOINT")[0]) == ["taskapp"]
    assert json.loads(instr(final, "CMD")[0])[:1] == ["serve"]
    assert not any("migrate" in line for line in final if not line.startswith("LABEL")), "migrations are the hook's job"


def test_frontend_image_builds_with_node_and_serves_with_unprivileged_nginx_on_8080():
    st = stages(ROOT / "frontend" / "Dockerfile")
    build, final = st[0], st[-1]
    assert build[0].split()[1].startswith("node:")
    assert any(r.endswith("npm ci") for r in instr(build, "RUN")) and "npm run build" in instr(build, "RUN")
    assert final[0].split()[1].startswith("nginxinc/nginx-unprivileged:")
    assert instr(final, "EXPOSE") == ["8080"]
    uid = instr(final, "USER")[0].split(":")[0]
    assert int(uid) >= 10000
    copies = instr(final, "COPY")
    assert "nginx/nginx.conf /etc/nginx/nginx.conf" in copies
    assert any(c.startswith("--from=build") and "/src/dist /usr/share/nginx/html" in c for c in copies)
    assert json.loads(instr(final, "ENTRYPOINT")[0])[0] == "nginx"


@pytest.mark.parametrize("part,must", [("backend", [".venv/", "tests/", ".env"]), ("frontend", ["node_modules/", "dist/", ".env"])])
def test_dockerignore_keeps_local_state_out_of_the_build_context(part, must):
    lines = (ROOT / part / ".dockerignore").read_text().splitlines()
    for entry in must:
        assert entry in lines


# --- nginx.conf for real ---------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def nginx_bin() -> str:
    out = subprocess.run([str(ROOT / "scripts" / "k8s-tools.sh"), "nginx"], capture_output=True, text=True)
    assert out.returncode == 0, f"nginx could not be installed: {out.stderr}"
    return out.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def web(nginx_bin, tmp_path_factory):
    """frontend/nginx/nginx.conf with only its paths and port moved into a temp folder."""
    tmp = tmp_path_factory.mktemp("nginx")
    port = free_port()
    conf = (ROOT / "frontend" / "nginx" / "nginx.conf").read_text()
    shutil.copy(ROOT / "frontend" / "nginx" / "security-headers.conf", tmp / "security-headers.conf")
    replacements = {  # in order: the temp paths first, the new paths live under /tmp too
        "/tmp/": f"{tmp}/",
        "/etc/nginx/security-headers.conf": str(tmp / "security-headers.conf"),
        "/etc/nginx/mime.types": "/etc/nginx/mime.types",
        "/usr/share/nginx/html": str(FIXTURE_DIST),
        "listen 8080;": f"listen 127.0.0.1:{port};",
        "listen [::]:8080;": "",
    }
    for old, new in replacements.items():
        assert old in conf, f"nginx.conf no longer contains {old!r}: update this test"
        conf = conf.replace(old, new)
    conf = "user root;\n" + conf  # Debian's nginx as root here; the image runs it as 10101
    (tmp / "nginx.conf").write_text(conf)
    test = subprocess.run([nginx_bin, "-t", "-c", str(tmp / "nginx.conf"), "-p", str(tmp)], capture_output=True, text=True)
    assert test.returncode == 0, test.stderr
    proc = subprocess.Popen([nginx_bin, "-c", str(tmp / "nginx.conf"), "-p", str(tmp), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.05)
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=3) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def test_healthz_answers_ok(web):
    status, headers, body = get(web + "/healthz")
    assert (status, body) == (200, b"ok\n")
    assert headers["cache-control"] == "no-store"


def test_client_side_routes_fall_back_to_the_uncached_app_shell(web):
    for path in ("/", "/tasks/42", "/settings/profile"):
        status, headers, body = get(web + path)
        assert status == 200 and b"taskapp-fixture-shell" in body, path
        assert headers["cache-control"] == "no-cache", path
        assert "default-src 'self'" in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "server" not in headers or "/" not in headers["server"], "no version in Server"


def test_hashed_assets_are_immutable_and_a_missing_asset_is_a_real_404(web):
    status, headers, body = get(web + "/assets/index-3f9a1c2b.js")
    assert status == 200 and b"fixture bundle" in body
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "javascript" in headers["content-type"]
    assert "content-security-policy" in headers
    status, _, body = get(web + "/assets/index-deadbeef.js")
    assert status == 404 and b"taskapp-fixture-shell" not in body


def test_other_static_files_are_served_with_a_short_cache(web):
    status, headers, body = get(web + "/robots.txt")
    assert status == 200 and body.startswith(b"User-agent")
    assert headers["cache-control"] == "public, max-age=300"


def test_nothing_is_proxied_the_api_is_the_ingress_job(web):
    status, _, body = get(web + "/api/v1/tasks")
    # the SPA shell, never a proxied response
    assert status == 200 and b"taskapp-fixture-shell" in body
    assert "proxy_pass" not in (ROOT / "frontend" / "nginx" / "nginx.conf").read_text()


def test_compose_gateway_config_is_valid_nginx(nginx_bin, tmp_path):
    conf = (ROOT / "deploy" / "compose" / "gateway.conf").read_text().replace("/tmp/", f"{tmp_path}/")
    (tmp_path / "gateway.conf").write_text("user root;\n" + conf)
    test = subprocess.run([nginx_bin, "-t", "-c", str(tmp_path / "gateway.conf"), "-p", str(tmp_path)], capture_output=True, text=True)
    assert test.returncode == 0, test.stderr
