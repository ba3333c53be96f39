"""Stage safety against the release binary with real peers (python-osc, liblo's oscsend,
websockets, raw HTTP): no number stops the server, no other page or host name drives it,
no path spelling gets past the token, and the rate caps hold."""
import asyncio
import http.client
import json
import math
import socket
import struct
import subprocess
import time

import pytest
import websockets
from pythonosc.udp_client import SimpleUDPClient

from serving import Inbox, Server, inbox  # noqa: F401 (inbox is a fixture)

ADDRESSES = ["/baton/weights", "/baton/weight", "/baton/active", "/baton/temperature", "/baton/pooling", "/baton/threshold",
             "/baton/lookahead", "/baton/prime", "/baton/reset", "/baton/pause", "/baton/rate", "/baton/fastest", "/baton/framerate",
             "/interface", "/baton/instrument/mode", "/baton/instrument/pi-temperature", "/baton/instrument/sigma-temperature",
             "/baton/instrument/timescale", "/baton/instrument/threshold", "/baton/instrument/reset", "/baton/instrument/pause",
             "/baton/*", "/baton/instrument/*"]
NUMBERS = [("f", math.nan), ("f", math.inf), ("f", -math.inf), ("f", 1e30), ("f", -1e30), ("f", 1e-30), ("d", 1e300), ("d", -1e300),
           ("d", math.nan), ("i", -2**31), ("i", 2**31 - 1), ("h", -2**63), ("h", 2**63 - 1), ("i", 0), ("f", -1.0)]


def osc_message(address, *arguments):
    def pad(data):
        return data + b"\0" * (-len(data) % 4)
    tags, payload = ",", b""
    for tag, value in arguments:
        tags += tag
        payload += struct.pack({"f": ">f", "d": ">d", "i": ">i", "h": ">q"}[tag], value)
    return pad(address.encode() + b"\0") + pad(tags.encode() + b"\0") + payload


@pytest.fixture(scope="module")
def server(tmp_path_factory, tiny_model, second_text_model, control_model, stroke_model, inbox):
    s = Server([tiny_model, second_text_model, control_model, stroke_model], tmp_path_factory.mktemp("stage"),
               osc_send=[f"127.0.0.1:{inbox.port}"], extra=["--rate", "100", "--mode", "filter"])
    yield s
    assert s.stop() == 0, s.process.stderr.read()


def still_playing(server, inbox):
    """The server answers HTTP, generates text and answers /interface with a /prediction."""
    status = server.status()
    symbols = status["text"]["symbols"]
    # What earlier valid commands may have left: no model picked, weights at 0.
    server.post("/api/command", {"type": "active", "models": list(range(len(status["text"]["models"])))})
    server.post("/api/command", {"type": "weights", "weights": [1.0] * len(status["text"]["models"])})
    server.post("/api/command", {"type": "pause", "paused": False})
    server.post("/api/command", {"type": "timescale", "value": 0})
    server.post("/api/command", {"type": "mode", "mode": "filter"})
    server.post("/api/command", {"type": "instrument-pause", "paused": False})
    since = time.time()
    SimpleUDPClient("127.0.0.1", server.osc_port).send_message("/interface", [0.5, 0.4, 0.9])
    deadline = time.time() + 10
    while time.time() < deadline and inbox.count("/prediction", since) == 0:
        time.sleep(0.02)
    assert inbox.count("/prediction", since) >= 1, "no prediction answered the performer"
    server.wait_for(lambda s: s["text"]["symbols"] > symbols, what="text still flowing")


def test_any_number_on_any_osc_address_leaves_the_server_playing(server, inbox):
    before = server.status()["osc"]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sent = 0
    for address in ADDRESSES:
        for number in NUMBERS:
            for count in (1, 2, 3):
                sock.sendto(osc_message(address, *([number] * count)), ("127.0.0.1", server.osc_port))
                sent += 1
        time.sleep(0.01)
    # liblo's own tool, as a performer would type it.
    for address, tag, value in [("/baton/active", "f", "1e30"), ("/baton/rate", "f", "1e-30"), ("/baton/framerate", "f", "1e30"),
                                ("/baton/instrument/timescale", "f", "1e30"), ("/baton/instrument/sigma-temperature", "f", "inf"),
                                ("/baton/lookahead", "ii", "2147483647 2147483647"), ("/baton/weight", "if", "-2147483648 nan")]:
        subprocess.run(["oscsend", "localhost", str(server.osc_port), address, tag, *value.split()], check=True)
        sent += 1
    status = server.wait_for(lambda s: s["osc"]["received"] >= before["received"] + sent, what="every packet counted")
    refused = sum(status["osc"][k] - before[k] for k in ("invalid", "unknown", "malformed"))
    assert refused > sent * 0.6, status["osc"]  # flags, resets and small numbers are valid
    still_playing(server, inbox)
    text = server.status()["text"]
    assert text["rate"] <= 1000 and text["temperature"] <= 10 and (text.get("lookahead") is None or text["lookahead"][0] * text["lookahead"][1] <= 64)


HOSTILE_JSON = ["1e30", "-1e30", "1e400", "2147483647", "-2147483648", "9223372036854775807", "null", "\"NaN\"", "true", "[]", "{}"]
COMMANDS = [('weights', 'weights', '[0.5,0.5]'), ('weight', 'value', '0.5'), ('weight', 'model', '1'), ('active', 'models', '[0,1]'),
            ('temperature', 'value', '0.8'), ('threshold', 'value', '0.05'), ('lookahead', 'candidates', '3'), ('lookahead', 'depth', '4'),
            ('pause', 'paused', 'false'), ('rate', 'value', '25'), ('fastest', 'on', 'false'), ('framerate', 'value', '30'),
            ('interface', 'values', '[0.5,0.5,0.5]'), ('pi-temperature', 'value', '1'), ('sigma-temperature', 'value', '0.5'),
            ('timescale', 'value', '0'), ('silence-threshold', 'value', '2'), ('instrument-pause', 'paused', 'false'),
            ('prime', 'text', '"x"'), ('mode', 'mode', '"filter"'), ('pooling', 'value', '"linear"')]


def raw_post(server, path, body, headers=None):
    connection = http.client.HTTPConnection(server.http.split("//")[1], timeout=30)
    connection.request("POST", path, body=body, headers={"Content-Type": "application/json", **(headers or {})})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data


def test_any_number_in_any_json_command_is_refused_with_a_message(server, inbox):
    for kind, field, good in COMMANDS:
        extra = {"weight": ',"model":0', "lookahead": ',"candidates":2,"depth":2'}.get(kind, "")
        for value in HOSTILE_JSON + ['"text"']:
            if value == good:
                continue
            body = '{"type":"%s"%s,"%s":%s}' % (kind, extra.replace(f'"{field}":', '"ignored":'), field, value)
            code, data = raw_post(server, "/api/command", body.encode())
            assert code in (200, 400), (body, code, data)
            answer = json.loads(data)
            if code == 400:
                assert "\n" not in answer["error"], answer
    code, data = raw_post(server, "/api/strokes", b'{"points":[[0,0,0]],"steps":1e30,"samples":1e30}')
    assert code == 400 and b"steps" in data

    async def websocket():
        async with websockets.connect(server.http.replace("http", "ws") + "/ws", max_size=None) as ws:
            errors = 0
            for message in ['{"type":"rate","value":1e-30}', '{"type":"timescale","value":1e30}', '{"type":"sigma-temperature","value":1e30}',
                            '{"type":"strokes","id":1,"steps":1e30}', '{"type":"lookahead","candidates":1e9,"depth":1e9}', "[]", "x"]:
                await ws.send(message)
            deadline = time.time() + 15
            while errors < 7 and time.time() < deadline:
                reply = json.loads(await asyncio.wait_for(ws.recv(), 15))
                errors += reply["type"] == "error"
            assert errors == 7
    asyncio.run(websocket())
    still_playing(server, inbox)


def raw_request(server, request_bytes):
    host, port = server.http.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request_bytes)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    return int(data.split(b" ")[1]) if data.startswith(b"HTTP/") else None


def test_another_origin_or_host_cannot_open_the_websocket_or_change_anything(server):
    url = server.http.replace("http", "ws") + "/ws"
    temperature = server.status()["text"]["temperature"]

    async def refused(**options):
        with pytest.raises(websockets.exceptions.InvalidStatus) as error:
            async with websockets.connect(url, **options):
                pass
        return error.value.response.status_code
    # A refused upgrade is answered 400 by the WebSocket upgrader (403 for a plain request).
    assert asyncio.run(refused(origin="http://evil.example")) in (400, 403)
    assert asyncio.run(refused(origin="null")) in (400, 403)
    upgrade = ("GET /ws HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
    assert raw_request(server, upgrade.format(host="rebound.example:8000").encode()) in (400, 403)
    assert raw_request(server, upgrade.format(host=server.http.split("//")[1]).encode()) == 101
    body = b'{"type":"temperature","value":1.7}'
    assert raw_post(server, "/api/command", body, {"Origin": "http://evil.example"})[0] == 403
    assert raw_post(server, "/api/command", body, {"Host": "rebound.example"})[0] == 403
    assert raw_post(server, "/api/command", body, {"Content-Type": "text/plain"})[0] == 415
    assert raw_post(server, "/api/train", b'{"dataset":"x.npz"}', {"Origin": "http://evil.example"})[0] == 403
    assert server.status()["text"]["temperature"] == pytest.approx(temperature), "nothing changed"
    # The Studio's own origin passes.
    assert raw_post(server, "/api/command", body, {"Origin": server.http})[0] == 200
    assert server.status()["text"]["temperature"] == pytest.approx(1.7)
    assert "/" not in json.dumps([m.get("file") for m in server.get("/api/models")])
    assert not any(m.get("path") for m in server.get("/api/models")), "no paths in API answers"


def test_no_path_variant_gets_past_the_token(tmp_path, tiny_model):
    s = Server([tiny_model], tmp_path, extra=["--listen", "0.0.0.0"])
    try:
        host = s.http.split("//")[1]
        for path in ["/api/status", "//api/status", "/./api/status", "/%61pi/status", "/api/status/", "/API/status", "/x/../api/status",
                     "/api//status", "/%2e/api/status", "/ws", "//ws", "/nothing"]:
            code = raw_request(s, f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
            assert code in (401, 403), f"{path}: {code}"
        assert raw_request(s, f"GET /api/status?token={s.token} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()) == 200
        assert raw_request(s, f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()) == 200
    finally:
        s.stop()


def test_timescale_zero_in_battle_mode_stays_under_the_prediction_cap(tmp_path, control_model):
    box = Inbox()
    s = Server([control_model], tmp_path, osc_send=[f"127.0.0.1:{box.port}"], extra=["--mode", "battle"])
    try:
        s.post("/api/command", {"type": "timescale", "value": 0})
        time.sleep(0.5)
        start = time.time()
        first = s.status()["instrument"]["predictions"]
        time.sleep(3)
        predictions = s.status()["instrument"]["predictions"] - first
        elapsed = time.time() - start
        assert 0 < predictions <= 1000 * elapsed + 16, f"{predictions} predictions in {elapsed:.2f} s"
        arrived = box.count("/prediction", start + 0.2)
        assert arrived <= 1000 * (elapsed - 0.2) + 16 + 50
        assert s.status()["instrument"]["maximumPredictionRate"] == 1000
    finally:
        s.stop()
        box.close()


def test_the_fastest_mode_stays_under_the_text_ceiling(tmp_path, tiny_model):
    s = Server([tiny_model], tmp_path, extra=["--rate", "0", "--max-text-rate", "150"])
    try:
        assert s.status()["text"]["fastest"]
        time.sleep(0.5)
        first, start = s.status()["text"]["symbols"], time.time()
        time.sleep(2)
        symbols, elapsed = s.status()["text"]["symbols"] - first, time.time() - start
        assert 0 < symbols <= 150 * elapsed + 5, f"{symbols} symbols in {elapsed:.2f} s"
        code, status = s.post("/api/command", {"type": "rate", "value": 5})
        assert code == 200 and not status["text"]["fastest"]
        SimpleUDPClient("127.0.0.1", s.osc_port).send_message("/baton/rate", 0.0)
        s.wait_for(lambda st: st["text"]["fastest"], what="rate 0 over OSC is the fastest mode")
    finally:
        s.stop()


def test_primes_are_bounded_shown_in_the_stream_and_pause_answers_at_once(tmp_path, tiny_model, second_text_model):
    s = Server([tiny_model, second_text_model], tmp_path, extra=["--rate", "200"])
    try:
        code, answer = s.post("/api/command", {"type": "prime", "text": "x" * (1 << 20)})
        assert code in (400, 413) and ("4096" in json.dumps(answer) or code == 413)
        code, answer = s.post("/api/command", {"type": "prime", "text": "é" * 2049})
        assert code == 400 and "prime length" in answer["error"]

        async def session():
            async with websockets.connect(s.http.replace("http", "ws") + "/ws", max_size=None) as ws:
                long = ("To be, or not to be, that is the question: " * 100)[:4096]
                await ws.send(json.dumps({"type": "prime", "text": long}))
                primed, symbols_after = None, 0
                deadline = time.time() + 20
                while time.time() < deadline and symbols_after < 5:
                    message = json.loads(await asyncio.wait_for(ws.recv(), 20))
                    if message["type"] == "prime":
                        primed, symbols_after = message["text"], 0
                    elif message["type"] == "symbol" and primed is not None:
                        symbols_after += 1
                assert primed == long and symbols_after >= 5, "the prime is in the stream before the text that continues it"
                await ws.send(json.dumps({"type": "prime", "text": long}))
                await ws.send(json.dumps({"type": "pause", "paused": True}))
                sent = time.time()
                while time.time() - sent < 1.0:
                    try:
                        message = json.loads(await asyncio.wait_for(ws.recv(), 0.2))
                    except asyncio.TimeoutError:
                        continue
                    if message["type"] == "symbol":
                        assert time.time() - sent < 0.1, "a symbol arrived more than 100 ms after pause"
                await ws.send(json.dumps({"type": "prime", "text": ""}))
                await ws.send(json.dumps({"type": "pause", "paused": False}))
                while True:
                    message = json.loads(await asyncio.wait_for(ws.recv(), 20))
                    if message["type"] == "prime":
                        assert message["text"] == "", "an empty prime restarts from nothing, and says so"
                        break
        asyncio.run(session())
        assert s.status()["text"]["prime"] == ""
    finally:
        s.stop()


def test_a_server_nobody_played_leaves_no_session_log(tmp_path, control_model):
    s = Server([control_model], tmp_path)
    s.stop()
    assert s.log is None and list((tmp_path / "logs").glob("*")) == []


def test_reply_to_sender_answers_only_recent_senders_of_valid_packets(tmp_path, tiny_model):
    s = Server([tiny_model], tmp_path, extra=["--reply-to-sender", "--rate", "100"])
    sockets = []
    try:
        bad = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        bad.bind(("127.0.0.1", 0))
        bad.settimeout(0.5)
        bad.sendto(osc_message("/baton/temperature", ("f", math.nan)), ("127.0.0.1", s.osc_port))
        bad.sendto(b"garbage!", ("127.0.0.1", s.osc_port))
        for _ in range(10):
            good = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            good.bind(("127.0.0.1", 0))
            good.settimeout(3)
            good.sendto(osc_message("/baton/temperature", ("f", 0.9)), ("127.0.0.1", s.osc_port))
            sockets.append(good)
        time.sleep(0.5)
        for sock in sockets[:2] + [bad]:
            while True:
                try:
                    sock.recv(65536)
                except (socket.timeout, BlockingIOError):
                    break
                sock.settimeout(0.3)
        with pytest.raises(socket.timeout):
            bad.recv(65536)
        for old in sockets[:2]:
            old.settimeout(0.5)
            with pytest.raises(socket.timeout):
                old.recv(65536)
        assert sockets[-1].recv(65536).startswith(b"/baton/")
    finally:
        for sock in sockets:
            sock.close()
        s.stop()
