"""The container images: Dockerfile structure that hadolint and checkov do not check, and the
web app's nginx.conf run for real (Debian's nginx) against a small built-app fixture."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, one, render_chart

FIXTURE_DIST = Path(__file__).parent / "fixtures" / "dist"


def stages(dockerfile: Path) -> list[list[str]]:
    """Instructions per stage, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", dockerfile.read_text())
    out: list[list[str]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            out.append([])
        if out:
            out[-1].append(line)
    return out


def instr(stage: list[str], name: str) -> list[str]:
    return [line[len(name) + 1 :].strip() for line in stage if line.upper().startswith(name + " ")]


def test_backend_image_is_multi_stage_with_a_bare_non_root_runtime():
    st = stages(ROOT / "backend" / "Dockerfile")
    assert len(st) >= 3
    build, final = st[-2], st[-1]
    assert any("uv sync --frozen --no-dev" in r for r in instr(build, "RUN"))
    froms = [s[0] for s in st]
    assert all(re.match(r"^FROM [^:\s]+:\S*\d+\.\d+\S*( AS \w+)?$", f) for f in froms), froms
    assert froms[-1].split()[1] == froms[-2].split()[1], (
        "build and runtime use the same Python image"
    )
    # nothing from the build toolchain in the final stage
    assert not any("uv" in c.split()[0] for c in instr(final, "COPY") if c.startswith("--from=uv"))
    assert all("--from=build" in c for c in instr(final, "COPY"))
    assert not any(
        re.search(r"apt-get install|pip install|gcc|build-essential", r)
        for r in instr(final, "RUN")
    )
    assert instr(final, "USER") == ["10001:10001"]
    assert instr(final, "EXPOSE") == ["8000"]
    env = " ".join(instr(final, "ENV"))
    assert "PYTHONDONTWRITEBYTECODE=1" in env
    assert json.loads(instr(final, "ENTRYPOINT")[0]) == ["taskapp"]
    assert json.loads(instr(final, "CMD")[0])[:1] == ["serve"]
    assert not any("migrate" in line for line in final if not line.startswith("LABEL")), (
        "migrations are the hook's job"
    )


def test_frontend_image_builds_with_node_and_serves_with_unprivileged_nginx_on_8080():
    st = stages(ROOT / "frontend" / "Dockerfile")
    build, final = st[0], st[-1]
    assert build[0].split()[1].startswith("node:")
    assert any(r.endswith("npm ci") for r in instr(build, "RUN"))
    assert "npm run build" in instr(build, "RUN")
    assert final[0].split()[1].startswith("nginxinc/nginx-unprivileged:")
    assert instr(final, "EXPOSE") == ["8080"]
    uid = instr(final, "USER")[0].split(":")[0]
    assert int(uid) >= 10000
    copies = instr(final, "COPY")
    assert "nginx/nginx.conf /etc/nginx/nginx.conf" in copies
    assert "nginx/upload-origins.conf /etc/nginx/upload-origins.conf" in copies
    assert any(
        c.startswith("--from=build") and "/src/dist /usr/share/nginx/html" in c for c in copies
    )
    assert json.loads(instr(final, "ENTRYPOINT")[0])[0] == "nginx"


@pytest.mark.parametrize(
    ("part", "must"),
    [("backend", [".venv/", "tests/", ".env"]), ("frontend", ["node_modules/", "dist/", ".env"])],
)
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
    out = subprocess.run(
        [str(ROOT / "scripts" / "k8s-tools.sh"), "nginx"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, f"nginx could not be installed: {out.stderr}"
    return out.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def web(nginx_bin, tmp_path_factory):
    """frontend/nginx/nginx.conf with only its paths and port moved into a temp folder."""
    with serve(nginx_bin, tmp_path_factory.mktemp("nginx")) as base:
        yield base


@pytest.fixture(scope="module")
def web_with_bucket(nginx_bin, tmp_path_factory):
    """The same, with upload-origins.conf as the taskapp-frontend chart mounts it (values of the
    dev environment's render: the attachments bucket's origin)."""
    with serve(nginx_bin, tmp_path_factory.mktemp("nginx-bucket"), chart_upload_origins()) as base:
        yield base


def chart_upload_origins() -> str:
    objs = render_chart(
        "taskapp-frontend",
        "dev",
        {
            "contentSecurityPolicy.uploadOrigins[0]": "https://taskapp-dev-assets-1.s3.eu-west-1.amazonaws.com"
        },
    )
    return one(objs, "ConfigMap")["data"]["upload-origins.conf"]


@contextlib.contextmanager
def serve(nginx_bin, tmp, upload_origins: str | None = None):
    port = free_port()
    conf = (ROOT / "frontend" / "nginx" / "nginx.conf").read_text()
    for name in ("security-headers.conf", "upload-origins.conf"):
        shutil.copy(ROOT / "frontend" / "nginx" / name, tmp / name)
    if upload_origins is not None:
        (tmp / "upload-origins.conf").write_text(upload_origins)
    replacements = {  # in order: the temp paths first, the new paths live under /tmp too
        "/tmp/": f"{tmp}/",
        "/etc/nginx/security-headers.conf": str(tmp / "security-headers.conf"),
        "/etc/nginx/upload-origins.conf": str(tmp / "upload-origins.conf"),
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
    run_ok([nginx_bin, "-t", "-c", str(tmp / "nginx.conf"), "-p", str(tmp)])  # nginx -t: it parses
    proc = subprocess.Popen(
        [nginx_bin, "-c", str(tmp / "nginx.conf"), "-p", str(tmp), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        first_answer(base + "/healthz", tries=100, pause=0.05, timeout=1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def run_ok(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run `cmd` and insist that it succeeds, its stderr the failure message."""
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, **kwargs)
    assert proc.returncode == 0, proc.stderr
    return proc


def first_answer(url: str, tries: int, pause: float, timeout: float = 3) -> int | None:
    """The status of the first GET of `url` that is answered, None if none of `tries` was: a
    server that is still starting refuses the connection."""
    for _ in range(tries):
        try:
            return get(url, timeout=timeout)[0]
        except OSError:
            time.sleep(pause)
    return None


def get(
    url: str, timeout: float = 3, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    # urlopen also opens file: and custom schemes; these tests only ever talk to local nginx.
    if not url.startswith("http://"):
        raise ValueError(f"not an http:// URL: {url!r}")
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - scheme checked
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:  # noqa: S310 - scheme checked
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
        assert status == 200, path
        assert b"taskapp-fixture-shell" in body, path
        assert headers["cache-control"] == "no-cache", path
        assert "default-src 'self'" in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "server" not in headers or "/" not in headers["server"], "no version in Server"


def test_the_app_may_upload_to_the_attachments_bucket_only_where_the_chart_says(
    web, web_with_bucket
):
    _, plain, _ = get(web + "/")
    _, bucket, _ = get(web_with_bucket + "/")
    origin = "https://taskapp-dev-assets-1.s3.eu-west-1.amazonaws.com"
    assert "connect-src 'self' ;" in plain["content-security-policy"]
    assert "form-action 'self' ;" in plain["content-security-policy"]
    assert f"connect-src 'self' {origin};" in bucket["content-security-policy"]
    assert f"form-action 'self' {origin};" in bucket["content-security-policy"]
    assert (
        plain["content-security-policy"].replace(" ;", f" {origin};")
        == bucket["content-security-policy"]
    )


def test_hashed_assets_are_immutable_and_a_missing_asset_is_a_real_404(web):
    status, headers, body = get(web + "/assets/index-3f9a1c2b.js")
    assert status == 200
    assert b"fixture bundle" in body
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "javascript" in headers["content-type"]
    assert "content-security-policy" in headers
    status, _, body = get(web + "/assets/index-deadbeef.js")
    assert status == 404
    assert b"taskapp-fixture-shell" not in body


def test_a_gzip_client_gets_the_builds_own_gz_file_and_others_the_plain_one(web):
    # The build writes a .gz next to each text file (frontend/vite.config.ts); gzip_static must
    # send it byte for byte (this asset is under gzip_min_length: on-the-fly gzip would not).
    asset = "/assets/index-3f9a1c2b.js"
    status, headers, body = get(web + asset, headers={"Accept-Encoding": "gzip, br"})
    assert status == 200
    assert body == (FIXTURE_DIST / "assets" / "index-3f9a1c2b.js.gz").read_bytes()
    assert headers["content-encoding"] == "gzip"
    assert headers["vary"] == "Accept-Encoding"
    assert "javascript" in headers["content-type"]
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    status, headers, body = get(web + asset, headers={"Accept-Encoding": "identity"})
    assert body == (FIXTURE_DIST / "assets" / "index-3f9a1c2b.js").read_bytes()
    assert "content-encoding" not in headers


def test_the_builds_dot_folders_are_not_served(web):
    status, _, body = get(web + "/.vite/manifest.json")
    assert status == 404
    assert b"isEntry" not in body


def test_other_static_files_are_served_with_a_short_cache(web):
    status, headers, body = get(web + "/robots.txt")
    assert status == 200
    assert body.startswith(b"User-agent")
    assert headers["cache-control"] == "public, max-age=300"


def test_nothing_is_proxied_the_api_is_the_ingress_job(web):
    status, _, body = get(web + "/api/v1/tasks")
    # the SPA shell, never a proxied response
    assert status == 200
    assert b"taskapp-fixture-shell" in body
    assert "proxy_pass" not in (ROOT / "frontend" / "nginx" / "nginx.conf").read_text()


def test_compose_gateway_config_is_valid_nginx(nginx_bin, tmp_path):
    conf = (
        (ROOT / "deploy" / "compose" / "gateway.conf").read_text().replace("/tmp/", f"{tmp_path}/")
    )
    (tmp_path / "gateway.conf").write_text("user root;\n" + conf)
    run_ok([nginx_bin, "-t", "-c", str(tmp_path / "gateway.conf"), "-p", str(tmp_path)])


# --- the backend image's build and runtime steps, without Docker ------------------------------


def dockerignored(rel: str, patterns: list[str]) -> bool:
    """Docker's .dockerignore semantics for the patterns we use: anchored at the context root,
    `**/` matches any depth, a directory pattern excludes everything under it."""
    parts = rel.split("/")
    for raw in patterns:
        p = raw.rstrip("/")
        if p.startswith("**/"):
            tail = p[3:]
            if any(
                fnmatchcase("/".join(parts[i:j]), tail)
                for i in range(len(parts))
                for j in range(i + 1, len(parts) + 1)
            ):
                return True
        elif any(fnmatchcase("/".join(parts[:j]), p) for j in range(1, len(parts) + 1)):
            return True
    return False


def test_dockerignore_semantics_of_the_helper():
    pats = [".venv/", "**/__pycache__/", "**/*.py[cod]", "tests/", "*.db"]
    assert dockerignored(".venv/lib/x.py", pats)
    assert dockerignored("src/taskapp/__pycache__/a.cpython-311.pyc", pats)
    assert dockerignored("tests/test_x.py", pats)
    assert dockerignored("var.db", pats)
    assert not dockerignored("src/taskapp/tests.py", pats)
    assert not dockerignored("src/taskapp/cli.py", pats)


def test_backend_image_steps_install_a_venv_that_runs_and_migrates_without_the_source(tmp_path):
    """The Dockerfile's build stage (uv sync --frozen --no-dev, non-editable) on the build context
    the .dockerignore leaves, then the runtime stage's view: only the venv, no source tree, no
    bytecode writes. `taskapp migrate` must find its Alembic scripts inside the installed
    package."""
    backend = ROOT / "backend"
    assert (backend / "pyproject.toml").is_file(), "the backend is missing"
    assert (backend / "uv.lock").is_file(), "the backend is missing"
    patterns = [
        line.strip()
        for line in (backend / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    ctx = tmp_path / "context"
    for path in backend.rglob("*"):
        rel = path.relative_to(backend).as_posix()
        if path.is_file() and not dockerignored(rel, patterns):
            (ctx / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, ctx / rel)
    assert not (ctx / "tests").exists()
    assert not (ctx / ".venv").exists()
    uv = subprocess.run(
        ["bash", "-c", f". {ROOT}/scripts/lib.sh; uv_bin"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    venv = tmp_path / "app" / ".venv"
    env = {
        **os.environ,
        "UV_PROJECT_ENVIRONMENT": str(venv),
        "UV_COMPILE_BYTECODE": "1",
        "UV_LINK_MODE": "copy",
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_PYTHON": getattr(sys, "_base_executable", sys.executable),
    }
    env.pop("VIRTUAL_ENV", None)
    for args in (["--no-install-project"], ["--no-editable"]):
        run_ok([uv, "sync", "--frozen", "--no-dev", "--quiet", *args], cwd=ctx, env=env)
    shutil.rmtree(ctx)  # the runtime stage copies only the venv
    assert not (venv / "bin" / "pytest").exists(), "dev dependencies must not be in the image"
    before = sorted(p.as_posix() for p in venv.rglob("*"))
    run_env = {
        "PATH": f"{venv}/bin:/usr/bin:/bin",
        "PYTHONDONTWRITEBYTECODE": "1",
        "HOME": str(tmp_path),
        "TASKAPP_ENV": "development",
        "TASKAPP_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/image.db",
    }
    workdir = tmp_path / "empty"
    workdir.mkdir()
    proc = run_ok(["taskapp", "--help"], cwd=workdir, env=run_env)
    assert "serve" in proc.stdout
    assert "migrate" in proc.stdout
    run_ok(["taskapp", "migrate"], cwd=workdir, env=run_env)
    with sqlite3.connect(tmp_path / "image.db") as db:
        assert db.execute("select version_num from alembic_version").fetchone()
    # the image's CMD, in production mode as the image sets it
    port = free_port()
    serve_env = {
        **run_env,
        "TASKAPP_ENV": "production",
        "TASKAPP_SECRET_KEY": "Vd0jS4pXw-7Qm2kRbT9zLhN1eYcA8uGfJ3oWqE6iZ5sPxK_r",
    }
    server = subprocess.Popen(
        [
            "taskapp",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--forwarded-allow-ips",
            "*",
        ],
        cwd=workdir,
        env=serve_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert first_answer(f"http://127.0.0.1:{port}/health", tries=150, pause=0.1) == 200
        assert get(f"http://127.0.0.1:{port}/ready")[0] == 200
    finally:
        server.terminate()
        out = server.communicate(timeout=20)[0].decode()
    # SIGTERM drains and shuts down cleanly (uvicorn re-raises the signal once done)
    assert server.returncode in (0, -15), out
    assert "Application shutdown complete" in out, out
    assert '"event"' in out, "production logs are JSON"
    assert sorted(p.as_posix() for p in venv.rglob("*")) == before, (
        "the runtime wrote into the image's files"
    )


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_the_web_apps_csp_names_the_bucket_the_backend_signs_uploads_for(rendered, env):
    """The frontend's nginx allows the origin the backend's S3 store posts forms to: the regional
    virtual-hosted name of the bucket and region the backend is given (backend
    tests/test_attachments_s3.py pins the backend's side of this format)."""
    backend = one(rendered[env]["taskapp-backend"], "ConfigMap")["data"]
    frontend = one(rendered[env]["taskapp-frontend"], "ConfigMap")["data"]["upload-origins.conf"]
    bucket, region = backend["TASKAPP_ATTACHMENTS_BUCKET"], backend["TASKAPP_ATTACHMENTS_REGION"]
    assert f'default "https://{bucket}.s3.{region}.amazonaws.com";' in frontend
