"""The balancer closes idle connections before the server does (issue 16).

An AWS ALB reuses an idle upstream connection for up to its idle timeout. If the server closes
it first, a request the ALB sends on it just then meets a closed socket: a 502. So the API's
keep-alive (uvicorn's timeout_keep_alive, TASKAPP_KEEPALIVE_SECONDS) must outlast the ALB's
idle_timeout.timeout_seconds, checked here on what Argo CD renders for every environment.
"""

from __future__ import annotations

import pytest
from conftest import ENVS, one, pod_spec

KEEPALIVE = "TASKAPP_KEEPALIVE_SECONDS"


def _server_keepalive(objs: list[dict]) -> int:
    """TASKAPP_KEEPALIVE_SECONDS as the API container sees it: its env, else its ConfigMaps."""
    deployment = one(objs, "Deployment", "taskapp-backend")
    api = next(c for c in pod_spec(deployment)["containers"] if c["name"] == "api")
    for var in api.get("env", []):
        if var["name"] == KEEPALIVE:
            return int(var["value"])
    for source in api.get("envFrom", []):
        if "configMapRef" in source:
            data = one(objs, "ConfigMap", source["configMapRef"]["name"]).get("data", {})
            if KEEPALIVE in data:
                return int(data[KEEPALIVE])
    raise AssertionError(
        f"the api container does not set {KEEPALIVE}: uvicorn would close idle connections "
        "after its 5 s default, long before any load balancer does"
    )


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
