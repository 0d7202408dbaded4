"""The balancer closes idle connections before the server does (issue 16).

An AWS ALB reuses an idle upstream connection for up to its idle timeout. If the server closes
it first, a request the ALB sends on it just then meets a closed socket: a 502. So the API's
keep-alive (uvicorn's timeout_keep_alive, TASKAPP_KEEPALIVE_SECONDS) must outlast the ALB's
idle_timeout.timeout_seconds, checked here on what Argo CD renders for every environment.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ENVS, one, pod_spec

KEEPALIVE = "TASKAPP_KEEPALIVE_SECONDS"


def _api_setting(objs: list[dict], name: str) -> str | None:
    """The variable `name` as the API container sees it: its env, else its ConfigMaps."""
    deployment = one(objs, "Deployment", "taskapp-backend")
    api = next(c for c in pod_spec(deployment)["containers"] if c["name"] == "api")
    for var in api.get("env", []):
        if var["name"] == name:
            return var["value"]
    for source in api.get("envFrom", []):
        if "configMapRef" in source:
            data = one(objs, "ConfigMap", source["configMapRef"]["name"]).get("data", {})
            if name in data:
                return data[name]
    return None


def _server_keepalive(objs: list[dict]) -> int:
    value = _api_setting(objs, KEEPALIVE)
    assert value is not None, (
        f"the api container does not set {KEEPALIVE}: uvicorn would close idle connections "
        "after its 5 s default, long before any load balancer does"
    )
    return int(value)


def _alb_idle_timeout(objs: list[dict]) -> int:
    ingress = one(objs, "Ingress")
    annotations = ingress["metadata"]["annotations"]
    attributes = annotations["alb.ingress.kubernetes.io/load-balancer-attributes"]
    pairs = dict(attr.split("=", 1) for attr in attributes.split(","))
    return int(pairs["idle_timeout.timeout_seconds"])


@pytest.mark.parametrize("env", ENVS)
def test_the_alb_idle_timeout_is_below_the_api_keepalive(rendered, env):
    keepalive = _server_keepalive(rendered[env]["taskapp-backend"])
    idle = _alb_idle_timeout(rendered[env]["taskapp-ingress"])
    assert idle < keepalive, (
        f"{env}: the ALB keeps idle connections {idle} s but the API closes them after "
        f"{keepalive} s; raise config.keepAliveSeconds or lower alb.idleTimeoutSeconds"
    )


# Live updates (docs/adr/0019): an event stream is silent between heartbeats, so every proxy on
# its way must keep an idle connection open well past one heartbeat, and must not buffer it.
HEARTBEAT = "TASKAPP_EVENTS_HEARTBEAT_SECONDS"
SETTINGS = Path(__file__).resolve().parents[2] / "backend" / "src" / "taskapp" / "settings.py"


def _heartbeat_seconds(objs: list[dict]) -> float:
    """The heartbeat the API container runs with: its env or ConfigMaps, else the default in
    settings.py (read from the source, so a change of the default is checked here too)."""
    value = _api_setting(objs, HEARTBEAT)
    if value is not None:
        return float(value)
    found = re.search(
        r"events_heartbeat_seconds: float = Field\(default=([\d.]+)", SETTINGS.read_text()
    )
    assert found, f"no events_heartbeat_seconds default in {SETTINGS}"
    return float(found.group(1))


@pytest.mark.parametrize("env", ENVS)
def test_event_streams_outlive_two_heartbeats_at_the_ingress(rendered, env):
    heartbeat = _heartbeat_seconds(rendered[env]["taskapp-backend"])
    annotations = one(rendered[env]["taskapp-ingress"], "Ingress")["metadata"]["annotations"]
    if "alb.ingress.kubernetes.io/load-balancer-attributes" in annotations:
        idle = _alb_idle_timeout(rendered[env]["taskapp-ingress"])
        assert idle >= 2 * heartbeat, f"{env}: ALB idle timeout {idle} s, heartbeat {heartbeat} s"
        return
    read_timeout = int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"])
    assert read_timeout >= 2 * heartbeat, f"{env}: proxy-read-timeout {read_timeout} s"
    assert annotations["nginx.ingress.kubernetes.io/proxy-buffering"] == "off"
