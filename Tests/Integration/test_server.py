"""`baton serve` against real peers: python-osc, liblo's oscsend/oscdump, Pure Data, a WebSocket client."""
import asyncio
import json
import os
import random
import shutil
import signal
import struct
import subprocess
import time

import pytest
import websockets
from pythonosc import osc_bundle_builder, osc_message_builder
from pythonosc.udp_client import SimpleUDPClient

from conftest import ROOT
from serving import Server, free_udp_port, inbox  # noqa: F401 (inbox is a fixture)


@pytest.fixture(scope="module")
def pd_port():
    return free_udp_port()


@pytest.fixture(scope="module")
def server(tmp_path_factory, tiny_model, second_text_model, control_model, stroke_model, inbox, pd_port):
    workspace = tmp_path_factory.mktemp("workspace")
    s = Server([tiny_model, second_text_model, control_model, stroke_model], workspace,
               osc_send=[f"127.0.0.1:{inbox.port}", f"127.0.0.1:{pd_port}"], extra=["--rate", "200", "--mode", "filter"])
    yield s
    assert s.stop() == 0, s.process.stderr.read()


def osc(server):
    return SimpleUDPClient("127.0.0.1", server.osc_port)


def test_startup_lists_models_and_endpoints(server):
    text = "".join(server.lines)
    assert "text     Shakespeare" in text and "control" in text and "strokes" in text
    models = server.get("/api/models")
    assert [m["kind"] for m in models] == ["text", "text", "control", "strokes"]
    assert models[1]["name"] == "Shakespeare" and models[1]["colour"] == "#ff7a45"


def test_text_streams_symbols_and_distributions_over_osc(server, inbox):
    symbols = inbox.wait("/baton/symbol", count=20)
    assert all(isinstance(text, str) and model in (0, 1) for text, model in symbols)
    frames = inbox.wait("/baton/distributions", count=2)
    frame = frames[-1]
    assert 0 <= frame[1] < 256
    joint = struct.unpack(">256f", frame[2])
    assert abs(sum(joint) - 1) < 1e-3
    weights = frame[3::2]
    assert len(weights) == 2 and abs(sum(weights) - 1) < 1e-4
    for blob in frame[4::2]:
        assert len(blob) in (0, 1024)


def test_python_osc_controls_the_ensemble(server):
    client = osc(server)
    client.send_message("/baton/weights", [0.9, 0.1])
    client.send_message("/baton/pooling", "product")
    client.send_message("/baton/lookahead", [3, 2])
    client.send_message("/baton/threshold", 0.02)
    status = server.wait_for(lambda s: s["text"]["pooling"] == "product" and s["text"]["lookahead"] == [3, 2], what="product pooling")
    assert status["text"]["weights"] == pytest.approx([0.9, 0.1]) and status["text"]["threshold"] == pytest.approx(0.02)
    # Pure Data style: every number a float, including the model index.
    client.send_message("/baton/weight", [1.0, 0.7])
    client.send_message("/baton/weight", ["Shakespeare", 0.6])
    server.wait_for(lambda s: s["text"]["weights"][1] == pytest.approx(0.6), what="weight by name")
    client.send_message("/baton/lookahead", [0, 0])
    client.send_message("/baton/pooling", "linear")
    server.wait_for(lambda s: s["text"].get("lookahead") is None and s["text"]["pooling"] == "linear", what="lookahead off")


def test_address_patterns_and_bundles(server):
    client = osc(server)
    client.send_message("/baton/{temperature,threshold}", 0.5)
    server.wait_for(lambda s: s["text"]["temperature"] == pytest.approx(0.5) and s["text"]["threshold"] == pytest.approx(0.5), what="pattern")
    bundle = osc_bundle_builder.OscBundleBuilder(osc_bundle_builder.IMMEDIATELY)
    for address, value in (("/baton/temperature", 0.9), ("/baton/threshold", 0.05)):
        message = osc_message_builder.OscMessageBuilder(address=address)
        message.add_arg(value)
        bundle.add_content(message.build())
    client.send(bundle.build())
    server.wait_for(lambda s: s["text"]["temperature"] == pytest.approx(0.9) and s["text"]["threshold"] == pytest.approx(0.05), what="bundle")
    later = osc_bundle_builder.OscBundleBuilder(time.time() + 1.0)
    message = osc_message_builder.OscMessageBuilder(address="/baton/temperature")
    message.add_arg(1.1)
    later.add_content(message.build())
    client.send(later.build())
    time.sleep(0.3)
    assert server.status()["text"]["temperature"] == pytest.approx(0.9), "a future time tag waits"
    server.wait_for(lambda s: s["text"]["temperature"] == pytest.approx(1.1), what="time-tagged bundle")


def test_malformed_packets_are_counted_and_dropped(server):
    before = server.status()["osc"]
    sock = __import__("socket").socket(__import__("socket").AF_INET, __import__("socket").SOCK_DGRAM)
    rng = random.Random(3)
    for _ in range(40):
        sock.sendto(bytes(rng.randrange(256) for _ in range(rng.choice([1, 3, 8, 17, 64]))), ("127.0.0.1", server.osc_port))
    sock.sendto(b"/baton/weights\x00\x00,f", ("127.0.0.1", server.osc_port))
    SimpleUDPClient("127.0.0.1", server.osc_port).send_message("/no/such/method", 1.0)
    status = server.wait_for(lambda s: s["osc"]["malformed"] >= before["malformed"] + 40 and s["osc"]["unknown"] > before["unknown"], what="drop counters")
    symbols = status["text"]["symbols"]
    server.wait_for(lambda s: s["text"]["symbols"] > symbols, what="text still flowing")


def test_liblo_oscsend_plays_the_instrument_in_filter_mode(server, inbox):
    before = len(inbox.of("/prediction"))
    subprocess.run(["oscsend", "localhost", str(server.osc_port), "/baton/instrument/timescale", "f", "0"], check=True)
    for values in ([0.5, 0.4, 0.9], [0.55, 0.42, 0.85], [0.6, 0.45, 0.8]):
        subprocess.run(["oscsend", "localhost", str(server.osc_port), "/interface", "fff", *map(str, values)], check=True)
    predictions = inbox.wait("/prediction", count=before + 3)
    assert all(len(p) == 3 and all(0 <= v <= 1 for v in p) for p in predictions[before:])
    # A prediction is sent, then logged: the last line may land a moment after the packet.
    deadline = time.time() + 5
    while True:
        lines = open(server.log).read().splitlines()
        if sum(",rnn," in line for line in lines) >= 3 or time.time() > deadline:
            break
        time.sleep(0.05)
    assert sum(",interface," in line for line in lines) >= 3 and sum(",rnn," in line for line in lines) >= 3


def test_oscdump_receives_the_stream(tmp_path, tiny_model, control_model):
    port = free_udp_port()
    dump = subprocess.Popen(["oscdump", "-L", str(port)], stdout=subprocess.PIPE, text=True)
    s = Server([tiny_model, control_model], tmp_path, osc_send=[f"127.0.0.1:{port}"], extra=["--rate", "100", "--mode", "battle"])
    try:
        deadline, seen = time.time() + 10, set()
        while time.time() < deadline and not {"/baton/symbol", "/prediction"} <= seen:
            line = dump.stdout.readline()
            if line:
                seen.add(line.split()[1])
        assert {"/baton/symbol", "/prediction"} <= seen, seen
    finally:
        s.stop()
        dump.kill()


@pytest.mark.skipif(shutil.which("pd") is None, reason="Pure Data is installed by scripts/setup-system.sh test")
def test_pure_data_patch_sends_interface_and_receives_predictions(server, pd_port):
    osc(server).send_message("/baton/instrument/timescale", 0.0)
    before = server.status()["instrument"]["inputs"]
    patch = ROOT / "examples" / "pd" / "baton-instrument.pd"
    pd = subprocess.Popen(["pd", "-nogui", "-noaudio", "-nomidi", "-send", f"baton-connect connect 127.0.0.1 {server.osc_port}",
                           "-send", f"baton-listen listen {pd_port}", "-send", "baton-autoplay 1", str(patch)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        server.wait_for(lambda s: s["instrument"]["inputs"] >= before + 10, timeout=15, what="events from Pd")
        time.sleep(1)
    finally:
        pd.terminate()
        _, stderr = pd.communicate(timeout=10)
    printed = [line for line in stderr.splitlines() if line.startswith("prediction:")]
    assert len(printed) >= 5, stderr[-2000:]
    assert len(printed[0].split()) == 4  # "prediction:" and three values


def test_websocket_mirrors_controls_and_streams(server):
    async def session():
        async with websockets.connect(server.http.replace("http", "ws") + "/ws", max_size=None) as ws:
            first = json.loads(await ws.recv())
            assert first["type"] == "status" and first["status"]["text"]["models"] == ["baudelaire-head", "Shakespeare"]
            kinds = set()
            while not {"symbol", "distributions"} <= kinds:
                kinds.add(json.loads(await asyncio.wait_for(ws.recv(), 10))["type"])
            await ws.send(json.dumps({"type": "weights", "weights": [0.25, 0.75]}))
            await ws.send(json.dumps({"type": "mode", "mode": "callresponse"}))
            await ws.send("not json")
            await ws.send(json.dumps({"type": "temperature", "value": -1}))
            await ws.send(json.dumps({"type": "strokes", "id": 5, "points": [[0, 0, 0], [10, 4, 0], [8, 9, 1]], "steps": 12, "samples": 2}))
            errors, strokes = [], None
            deadline = time.time() + 15
            while time.time() < deadline and (len(errors) < 2 or strokes is None):
                message = json.loads(await asyncio.wait_for(ws.recv(), 15))
                if message["type"] == "error":
                    errors.append(message["message"])
                if message["type"] == "strokes":
                    strokes = message
            assert len(errors) == 2 and "temperature" in errors[1]
            assert strokes["id"] == "5" and len(strokes["samples"]) == 2 and len(strokes["samples"][0]) == 12
            await ws.send(json.dumps({"type": "mode", "mode": "filter"}))
    asyncio.run(session())
    status = server.status()
    assert status["text"]["weights"] == pytest.approx([0.25, 0.75]) and status["instrument"]["mode"] == "filter"


def test_http_api_validates_input(server):
    code, body = server.post("/api/command", {"type": "pooling", "value": "median"})
    assert code == 400 and "linear" in body["error"]
    code, body = server.post("/api/strokes", {"points": [[0, 0]], "steps": 5})
    assert code == 200 and "dx" in json.dumps(body) or "error" in json.dumps(body)
    request = __import__("urllib.request").request.Request(server.url("/api/command"), data=b"x" * (2 << 20), method="POST",
                                                           headers={"Content-Type": "application/json"})
    with pytest.raises(Exception):
        __import__("urllib.request").request.urlopen(request, timeout=10)


def test_log_dataset_train_and_switch_without_restarting(server):
    client = osc(server)
    for i in range(80):
        client.send_message("/interface", [0.5 + 0.4 * __import__("math").sin(i / 5), 0.3, 0.7])
        time.sleep(0.005)
    server.wait_for(lambda s: s["instrument"]["inputs"] >= 80, what="logged events")
    code, dataset = server.post("/api/datasets", {"name": "test-sessions"})
    assert code == 200 and dataset["name"] == "test-sessions.npz", dataset
    code, job = server.post("/api/train", {"dataset": "test-sessions.npz", "size": "xs", "minutes": 0.05})
    assert code == 200 and job["state"] == "running", job
    server.wait_for(lambda s: s["training"] and s["training"]["state"] == "finished", timeout=60, what="training finished")
    trained = server.get("/api/trained")
    assert any(m["name"] == "test-sessions-xs.safetensors" for m in trained)
    code, status = server.post("/api/instrument/model", {"name": "test-sessions-xs.safetensors"})
    assert code == 200 and status["instrument"]["model"] == "test-sessions-xs", status
    client.send_message("/interface", [0.5, 0.3, 0.7])
    server.wait_for(lambda s: s["instrument"]["inputs"] >= 1, what="the new model plays")


def test_kill_9_loses_at_most_the_line_in_flight(tmp_path, tiny_model, control_model):
    s = Server([control_model], tmp_path, extra=["--mode", "battle"])
    client = SimpleUDPClient("127.0.0.1", s.osc_port)
    client.send_message("/baton/instrument/timescale", 0.001)
    for i in range(200):
        client.send_message("/interface", [0.1, 0.2, 0.3])
    s.wait_for(lambda st: st["instrument"]["inputs"] >= 200, what="200 performer events")
    time.sleep(0.5)  # the model keeps writing its own lines while the process is killed
    s.process.send_signal(signal.SIGKILL)
    s.process.wait()
    lines = open(s.log).read().split("\n")
    complete = lines[:-1]
    assert sum(",interface," in line for line in complete) == 200, "every performer event that was handled is on disk"
    assert sum(",rnn," in line for line in complete) > 0
    for line in complete:
        fields = line.split(",")
        assert fields[1] in ("interface", "rnn") and len(fields) == 5, line
    assert lines[-1] == "" or len(lines[-1].split(",")) <= 5, "only the line in flight may be cut"


def test_sigterm_shuts_down_gracefully(tmp_path, control_model):
    s = Server([control_model], tmp_path)
    assert s.log is None, "no session log before the first event"
    SimpleUDPClient("127.0.0.1", s.osc_port).send_message("/interface", [0.1, 0.2, 0.3])
    time.sleep(0.3)
    assert s.stop(signal.SIGTERM) == 0
    assert "logs flushed" in s.process.stderr.read()
    assert open(s.log).read().count(",interface,") == 1


def test_exposed_server_needs_the_token_and_the_allowlist(tmp_path, tiny_model, control_model):
    s = Server([tiny_model, control_model], tmp_path, extra=["--listen", "0.0.0.0", "--allow", "10.9.8.7"])
    try:
        assert s.token and len(s.token) == 32
        import urllib.request, urllib.error
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(s.http + "/api/status", timeout=5)
        assert refused.value.code == 401
        assert s.get("/api/status")["text"]["models"] == ["baudelaire-head"]
        SimpleUDPClient("127.0.0.1", s.osc_port).send_message("/baton/temperature", 0.3)
        status = s.wait_for(lambda st: st["osc"]["refused"] >= 1, what="OSC refused")
        assert status["text"]["temperature"] != pytest.approx(0.3)
    finally:
        s.stop()


def test_reply_to_sender(tmp_path, tiny_model):
    """With --reply-to-sender the stream also goes back to whoever sent OSC."""
    import socket
    s = Server([tiny_model], tmp_path, extra=["--reply-to-sender", "--rate", "100"])
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5)
    try:
        message = osc_message_builder.OscMessageBuilder(address="/baton/temperature")
        message.add_arg(0.9)
        sock.sendto(message.build().dgram, ("127.0.0.1", s.osc_port))
        data, _ = sock.recvfrom(65536)
        while not data.startswith(b"/baton/"):
            data, _ = sock.recvfrom(65536)
        assert data.startswith(b"/baton/symbol") or data.startswith(b"/baton/distributions")
    finally:
        sock.close()
        s.stop()
