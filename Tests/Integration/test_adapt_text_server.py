"""The text ensemble's feed and per-model live adaptation in `baton serve` (issue 12):
LaTeX fed to two prose models over OSC (python-osc) and the WebSocket, learnt by the one
whose adaptation is on, its surprise falling below the original model's; an out-of-range
value refused; saved over the WebSocket, reset over OSC."""
import asyncio
import json
import time

import websockets
from pythonosc.udp_client import SimpleUDPClient
from safetensors import safe_open

from conftest import ROOT, shared
from serving import Server

TEXT_MODELS = [ROOT / "Models" / "text" / "austen.safetensors", ROOT / "Models" / "text" / "kjv.safetensors"]
FEED_BYTES = 4000


def latex(chunks):
    """`chunks` pieces of FEED_BYTES bytes from the middle of the Stacks project (a style
    neither model was trained on)."""
    data = shared("datasets", "text", "stacks-project.tex").read_bytes()
    text = data[len(data) // 2:len(data) // 2 + 2 * chunks * FEED_BYTES].decode("ascii", errors="ignore")
    return [text[i * FEED_BYTES:(i + 1) * FEED_BYTES] for i in range(chunks)]


def test_fed_text_teaches_the_adapting_model_only(tmp_path):
    workspace = tmp_path / "workspace"
    first, second = latex(2)
    server = Server(TEXT_MODELS, workspace, extra=["--rate", "50"])
    try:
        osc = SimpleUDPClient("127.0.0.1", server.osc_port)
        osc.send_message("/baton/adapt", [1, 1])
        server.wait_for(lambda s: s["text"]["adaptation"][1]["enabled"], what="adaptation on for model 1")
        osc.send_message("/baton/feed", first)
        server.wait_for(lambda s: s["text"]["adaptation"][1]["updates"] >= 79, timeout=180, what="the first feed learnt")

        async def session():
            async with websockets.connect(server.http.replace("http", "ws") + "/ws", max_size=None) as ws:
                await ws.send(json.dumps({"type": "feed", "text": second}))
                await ws.send(json.dumps({"type": "adapt-rate", "model": 1, "value": 5}))
                fed, error = None, None
                deadline = time.time() + 30
                while time.time() < deadline and (fed is None or error is None):
                    message = json.loads(await asyncio.wait_for(ws.recv(), 30))
                    if message["type"] == "fed":
                        fed = message["text"]
                    if message["type"] == "error":
                        error = message["message"]
                return fed, error
        fed, error = asyncio.run(session())
        assert fed == second
        assert error and "adaptation rate" in error and "0.1" in error, error

        status = server.wait_for(lambda s: s["text"]["adaptation"][1]["updates"] >= 159, timeout=180, what="the second feed learnt")
        plain, learner = status["text"]["adaptation"]
        assert not plain["enabled"] and plain["symbols"] == 0 and plain["updates"] == 0
        assert learner["symbols"] == 2 * FEED_BYTES and learner["skippedSegments"] == 0 and learner["relativeDistance"] > 0
        print("learner after 8 KB of LaTeX:", json.dumps(learner))
        assert learner["surprise"] < learner["unadaptedSurprise"] - 0.3, learner
        assert status["text"]["symbols"] > 0  # the ensemble kept writing meanwhile

        osc.send_message("/baton/feed", "x" * 5000)  # over the 4,096-byte limit: refused, counted
        server.wait_for(lambda s: s["osc"]["invalid"] >= 1, what="the long feed refused")

        status, answer = server.post("/api/command", {"type": "adapt-save", "model": 1})
        assert status == 200, answer
        saved = server.wait_for(lambda s: s["text"]["adaptation"][1].get("saved"), what="a saved model")["text"]["adaptation"][1]["saved"]
        with safe_open(str(workspace / "models" / saved), "np") as f:
            metadata = f.metadata()
        assert saved.startswith("kjv-adapted-")
        assert metadata["adapted_from"] == "kjv.safetensors"
        adaptation = json.loads(metadata["adaptation"])
        assert adaptation["symbols"] == 2 * FEED_BYTES and adaptation["updates"] >= 159 and adaptation["segment"] == 50

        osc.send_message("/baton/adapt-reset", 1)
        status = server.wait_for(lambda s: s["text"]["adaptation"][1]["updates"] == 0, what="reset")
        assert status["text"]["adaptation"][1]["relativeDistance"] == 0 and "surprise" not in status["text"]["adaptation"][1]
    finally:
        assert server.stop() == 0, server.process.stderr.read()
