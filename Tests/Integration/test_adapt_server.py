"""Live adaptation in `baton serve` (issue 12): switched on and tuned over OSC
(python-osc), saved, reset and refused over the WebSocket, watched in the status."""
import asyncio
import json
import time

import websockets
from pythonosc.udp_client import SimpleUDPClient
from safetensors import safe_open

from conftest import ROOT
from serving import Server

CONTROL_MODEL = ROOT / "Models" / "control" / "impsy-4d.safetensors"


def test_instrument_learns_from_the_performer_over_osc_and_websocket(tmp_path):
    workspace = tmp_path / "workspace"
    server = Server([CONTROL_MODEL], workspace, extra=["--mode", "filter"])
    try:
        osc = SimpleUDPClient("127.0.0.1", server.osc_port)
        osc.send_message("/baton/instrument/adapt", 1)
        osc.send_message("/baton/instrument/adapt-rate", 0.0003)
        server.wait_for(lambda s: s["instrument"]["adaptation"]["enabled"] and abs(s["instrument"]["adaptation"]["rate"] - 0.0003) < 1e-7,
                        what="adaptation on at rate 0.0003")
        for i in range(61):
            osc.send_message("/interface", [0.2 + 0.6 * (i % 5) / 5, 0.5, 0.1 * (i % 3)])
            time.sleep(0.003)
        status = server.wait_for(lambda s: s["instrument"]["adaptation"]["updates"] >= 3, timeout=30, what="three updates")
        adaptation = status["instrument"]["adaptation"]
        assert adaptation["events"] == 61 and adaptation["relativeDistance"] > 0
        assert isinstance(adaptation["surprise"], float) and isinstance(adaptation["unadaptedSurprise"], float)
        assert status["instrument"]["predictions"] >= 1  # filter mode kept answering meanwhile

        async def session():
            async with websockets.connect(server.http.replace("http", "ws") + "/ws", max_size=None) as ws:
                await ws.send(json.dumps({"type": "instrument-adapt-save"}))
                await ws.send(json.dumps({"type": "instrument-adapt-rate", "value": 5}))
                deadline = time.time() + 10
                while time.time() < deadline:
                    message = json.loads(await asyncio.wait_for(ws.recv(), 10))
                    if message["type"] == "error":
                        return message["message"]
        error = asyncio.run(session())
        assert error and "adaptation rate" in error and "0.1" in error, error
        saved = server.wait_for(lambda s: s["instrument"]["adaptation"].get("saved"), what="a saved model")["instrument"]["adaptation"]["saved"]
        path = workspace / "models" / saved
        with safe_open(str(path), "np") as f:
            metadata = f.metadata()
        assert metadata["adapted_from"] == "impsy-4d.safetensors"
        assert json.loads(metadata["adaptation"])["updates"] >= 3

        osc.send_message("/baton/instrument/adapt-reset", [])
        status = server.wait_for(lambda s: s["instrument"]["adaptation"]["updates"] == 0, what="reset")
        assert status["instrument"]["adaptation"]["relativeDistance"] == 0
    finally:
        assert server.stop() == 0, server.process.stderr.read()
