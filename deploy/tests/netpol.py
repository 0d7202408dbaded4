"""A small NetworkPolicy evaluator: the policies that select a pod turned into the set of
(peer, port) paths they allow, so a test can state the whole expected set."""

from __future__ import annotations

import estate
from conftest import labels_match, pod_spec, pod_template

DNS = ("ns=kube-system,pods=k8s-app=kube-dns", "53/UDP")
DNS_TCP = ("ns=kube-system,pods=k8s-app=kube-dns", "53/TCP")


def _peer(p):
    if "ipBlock" in p:
        assert not p["ipBlock"].get("except")
        return f"cidr={p['ipBlock']['cidr']}"
    parts = []
    if "namespaceSelector" in p:
        parts.append("ns=" + ",".join(v for v in p["namespaceSelector"]["matchLabels"].values()))
    if "podSelector" in p:
        parts.append(
            "pods="
            + ",".join(f"{k}={v}" for k, v in sorted(p["podSelector"]["matchLabels"].items()))
        )
    return ",".join(parts)


def paths(policies, labels, direction, named_ports):
    """(peer, port/proto) pairs that the policies selecting `labels` allow; None = not isolated."""
    key, peers_key = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
    selecting = [
        p
        for p in policies
        if labels_match(p["spec"]["podSelector"].get("matchLabels", {}), labels)
        and direction in p["spec"]["policyTypes"]
    ]
    if not selecting:
        return None
    out = set()
    for p in selecting:
        for rule in p["spec"].get(key, []) or []:
            peers = rule.get(peers_key)
            assert peers, f"{p['metadata']['name']}: a rule without peers allows everyone"
            ports = rule.get("ports")
            assert ports, f"{p['metadata']['name']}: a rule without ports allows every port"
            for peer in peers:
                for port in ports:
                    num = named_ports.get(port["port"], port["port"])
                    out.add((_peer(peer), f"{num}/{port.get('protocol', 'TCP')}"))
    return out


def pods_by_component(objs):
    """component label -> (pod labels, named container ports) of every pod the objects run."""
    out = {}
    for w in objs:
        if w["kind"] in ("Deployment", "Job", "CronJob"):
            tpl = pod_template(w)
            ports = {
                p["name"]: p["containerPort"]
                for c in pod_spec(w)["containers"]
                for p in c.get("ports", [])
            }
            out[tpl["metadata"]["labels"]["app.kubernetes.io/component"]] = (
                tpl["metadata"]["labels"],
                ports,
            )
    return out


def backend_egress(env):
    """The ways out the API and the worker both have: DNS; SES's SMTP (587) and S3/STS (443) to
    anywhere, as they have no fixed addresses; PostgreSQL and Redis in the data subnets only."""
    anywhere = {("cidr=0.0.0.0/0", "587/TCP"), ("cidr=0.0.0.0/0", "443/TCP")}
    data = {
        (f"cidr={c}", port) for c in estate.data_subnets(env) for port in ("5432/TCP", "6379/TCP")
    }
    return {DNS, DNS_TCP} | anywhere | data
