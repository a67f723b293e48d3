"""``chainmatch serve --workers 2`` on a fresh home: the workers start together without
tripping over each other (one fills the catalog, one writes the index folder at a time), and
a write acknowledged by one worker is visible to the other's engine."""

from __future__ import annotations

import secrets
from pathlib import Path

import httpx

from eval.soak_server import Server

PROBES = 16  # fresh connections: uvicorn's workers share the socket, each takes some


def test_two_workers_start_on_a_fresh_home_and_each_sees_every_write(tmp_path: Path) -> None:
    token = secrets.token_hex(16)
    home = tmp_path / "home"
    with Server(home, workers=2, encoder="hashing", token=token, logs=tmp_path) as server:
        auth = {"Authorization": f"Bearer {token}"}
        body = {
            "id": "two-workers-probe",
            "name": "双进程探针企业",
            "chains": [{"chain": "ic", "segment": "ic.materials"}],
            "offers": ["高纯电子特气提纯服务"],
            "needs": ["寻找钢瓶清洗服务"],
        }
        made = httpx.post(f"{server.base}/orgs", json=body, headers=auth, timeout=60)
        assert made.status_code == 201, made.text
        answers = []
        for _ in range(PROBES):
            with httpx.Client(base_url=server.base, timeout=60) as c:
                r = c.post("/match/substitutes", json={"org_id": "two-workers-probe"})
                answers.append((r.status_code, r.json().get("query", {}).get("org_id")))
        health = httpx.get(f"{server.base}/health", timeout=10).json()
    assert answers == [(200, "two-workers-probe")] * PROBES
    assert health["organisations"] == 358  # the demo park's 357, once, and the probe
    log = server.log.read_text(errors="replace")
    assert "Traceback" not in log and "ERROR" not in log, log[-2000:]
