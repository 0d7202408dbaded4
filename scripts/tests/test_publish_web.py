"""scripts/publish-web.sh against an S3 + CloudFront stand-in (moto's server), real AWS CLI:
long-lived cache for the hashed assets, none for index.html, an invalidation of the rest."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts/publish-web.sh"
BUCKET = "taskapp-dev-web"


@pytest.fixture(scope="module")
def aws_bin() -> Path:
    out = subprocess.run(
        [str(ROOT / "scripts/delivery-tools.sh"), "aws"], capture_output=True, text=True, check=True
    )
    return Path(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def aws_env(aws_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("w")
    server = subprocess.Popen(
        [str(aws_bin / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    env = {
        **os.environ,
        "PATH": f"{aws_bin}:{os.environ['PATH']}",
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("moto_server did not start")
            time.sleep(0.2)
    try:
        yield env
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


# Set-up and read-back go through boto3 (moto's dependency, in the same tool venv) in one process
# each (an AWS CLI start costs seconds on a loaded machine); the script under test uses the CLI.
SETUP = """
import json, sys, time, boto3
bucket = sys.argv[1]
boto3.client("s3").create_bucket(
    Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
origin = {"Id": "web", "DomainName": bucket + ".s3.eu-west-1.amazonaws.com",
          "S3OriginConfig": {"OriginAccessIdentity": ""}}
config = {
    "CallerReference": str(time.time_ns()), "Comment": "test", "Enabled": True,
    "Origins": {"Quantity": 1, "Items": [origin]},
    "DefaultCacheBehavior": {
        "TargetOriginId": "web", "ViewerProtocolPolicy": "redirect-to-https", "MinTTL": 0,
        "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
        "TrustedSigners": {"Enabled": False, "Quantity": 0}},
}
dist = boto3.client("cloudfront").create_distribution(DistributionConfig=config)
print(dist["Distribution"]["Id"])
"""
READBACK = """
import json, sys, boto3
bucket, dist = sys.argv[1], sys.argv[2]
s3, cf = boto3.client("s3"), boto3.client("cloudfront")
objects = {}
for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
    head = s3.head_object(Bucket=bucket, Key=item["Key"])
    objects[item["Key"]] = {"cache": head.get("CacheControl", ""), "type": head["ContentType"]}
batches = []
for inv in cf.list_invalidations(DistributionId=dist)["InvalidationList"].get("Items", []):
    got = cf.get_invalidation(DistributionId=dist, Id=inv["Id"])["Invalidation"]
    batches.append({"id": inv["Id"], "paths": got["InvalidationBatch"]["Paths"]["Items"]})
print(json.dumps({"objects": objects, "invalidations": batches}))
"""


def boto(env: dict[str, str], aws_bin: Path, code: str, *args: str) -> str:
    return subprocess.run(
        [str(aws_bin / "python"), "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.strip()


@pytest.fixture(scope="module")
def distribution(aws_env: dict[str, str], aws_bin: Path) -> str:
    return boto(aws_env, aws_bin, SETUP, BUCKET)


def state(env: dict[str, str], aws_bin: Path, distribution: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(boto(env, aws_bin, READBACK, BUCKET, distribution))
    return result


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """A vite build: frontend/public copied to the root (as vite does), hashed files in assets/."""
    out = tmp_path / "dist"
    shutil.copytree(ROOT / "frontend/public", out)
    (out / "assets").mkdir()
    (out / "assets/index-B7xk2Qf1.js").write_text("console.log(1)", encoding="utf-8")
    (out / "assets/index-D4s9Lm0a.css").write_text("body{}", encoding="utf-8")
    (out / "assets/index-B7xk2Qf1.js.map").write_text("{}", encoding="utf-8")
    # The service worker the build generates (vite.config.ts: VitePWA).
    (out / "sw.js").write_text('precacheAndRoute([{url:"index.html"}])', encoding="utf-8")
    # The build's precompressed siblings and chunk graph: CloudFront compresses at the edge, so
    # none of them is uploaded (an S3 key has one body, whatever the Accept-Encoding).
    for name in ("assets/index-B7xk2Qf1.js", "index.html", "favicon.svg"):
        for suffix in (".br", ".gz"):
            (out / f"{name}{suffix}").write_bytes(b"\x1f\x8bcompressed")
    (out / ".vite").mkdir()
    (out / ".vite/manifest.json").write_text("{}", encoding="utf-8")
    (out / "index.html").write_text(
        '<!doctype html><script src="/assets/index-B7xk2Qf1.js"></script>', encoding="utf-8"
    )
    return out


def publish(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, check=False, env=env, timeout=300
    )


def test_hashed_assets_live_long_index_html_is_revalidated_and_the_rest_is_invalidated(
    aws_env: dict[str, str], aws_bin: Path, distribution: str, dist: Path
) -> None:
    result = publish(
        aws_env, "--bucket", BUCKET, "--distribution", distribution, "--dist", str(dist)
    )
    assert result.returncode == 0, result.stderr

    after = state(aws_env, aws_bin, distribution)
    objects = after["objects"]
    immutable = "public, max-age=31536000, immutable"
    public_files = sorted(p.name for p in (ROOT / "frontend/public").iterdir())
    assert {k: v["cache"] for k, v in objects.items()} == {
        "assets/index-B7xk2Qf1.js": immutable,
        "assets/index-D4s9Lm0a.css": immutable,
        "index.html": "no-cache",
        # A worker cached for minutes would keep installed apps on the old shell.
        "sw.js": "no-cache",
        **dict.fromkeys(public_files, "public, max-age=300"),
    }
    assert objects["index.html"]["type"] == "text/html; charset=utf-8"
    assert objects["sw.js"]["type"] == "text/javascript; charset=utf-8"

    (invalidation,) = after["invalidations"]
    assert sorted(invalidation["paths"]) == sorted(
        ["/", "/index.html", "/sw.js", *(f"/{n}" for n in public_files)]
    )
    assert result.stdout.strip() == invalidation["id"]


def test_not_a_vite_build_is_refused_before_any_upload(
    aws_env: dict[str, str], aws_bin: Path, distribution: str, tmp_path: Path
) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site/index.html").write_text("x", encoding="utf-8")
    (tmp_path / "site/refused.txt").write_text("x", encoding="utf-8")
    result = publish(
        aws_env,
        "--bucket",
        BUCKET,
        "--distribution",
        distribution,
        "--dist",
        str(tmp_path / "site"),
    )
    assert result.returncode == 1
    assert "assets/ is missing" in result.stderr
    assert "refused.txt" not in state(aws_env, aws_bin, distribution)["objects"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--bucket", "b"), "usage:"),
        (("--bucket", "b", "--distribution", "d"), "exactly one of --image REF and --dist DIR"),
        (("--bucket", "b", "--distribution", "d", "--image", "i", "--dist", "x"), "exactly one"),
        (("--bucket",), "--bucket needs a value"),
        (("--bucket", "b", "--distribution", "d", "--colour"), "usage:"),
    ],
)
def test_wrong_arguments_are_refused(args: tuple[str, ...], message: str) -> None:
    result = publish(dict(os.environ), *args)
    assert result.returncode == 1
    assert message in result.stderr
