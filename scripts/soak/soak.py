#!/usr/bin/env python3
"""`make soak`: one release `baton serve` with the shipped models under a mixed load for
SOAK_MINUTES (default 10): valid and hostile OSC at 5,000 messages/s, 8 WebSocket clients,
a Workshop training job and instrument model switches. Reports resident memory at start
and end, p50/p99 /interface -> /prediction latency per minute, performer events logged vs
sent, and whether the server stayed up. Exits non-zero on a crash, lost events, or memory
growth beyond 10 %. Everything runs on loopback with OS-assigned ports."""
import argparse
import asyncio
import glob
import json
import math
import multiprocessing
import os
import pathlib
import random
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

import websockets

ROOT = pathlib.Path(__file__).resolve().parents[2]
BATON = ROOT / ".build" / "release" / "baton"
PROBE_RATE = 200          # /interface events per second, each answered by one /prediction (filter mode)
TOTAL_RATE = 5000         # OSC messages per second in all
WARM_UP = 30              # seconds before the starting memory is read


# ---------------------------------------------------------------- OSC encoding

def osc_string(text):
    data = text.encode() + b"\0"
    return data + b"\0" * (-len(data) % 4)


def osc_message(address, *arguments):
    """arguments: (tag, value) pairs; tags i f d h s b T F N."""
    tags, payload = ",", b""
    for tag, value in arguments:
        tags += tag
        if tag == "i":
            payload += struct.pack(">i", value)
        elif tag == "f":
            payload += struct.pack(">f", value)
        elif tag == "d":
            payload += struct.pack(">d", value)
        elif tag == "h":
            payload += struct.pack(">q", value)
        elif tag == "s":
            payload += osc_string(value)
        elif tag == "b":
            payload += struct.pack(">i", len(value)) + value + b"\0" * (-len(value) % 4)
    return osc_string(address) + osc_string(tags) + payload


def osc_bundle(seconds_ahead, *messages):
    ntp = time.time() + 2208988800 + seconds_ahead
    tag = struct.pack(">II", int(ntp), int((ntp % 1) * 2**32))
    return b"#bundle\0" + tag + b"".join(struct.pack(">i", len(m)) + m for m in messages)


def valid_messages(text_models):
    """Text controls a performer might send (they never touch the instrument)."""
    rng = random.Random(1)
    out = []
    for _ in range(200):
        weights = [rng.random() for _ in range(text_models)]
        out += [
            osc_message("/baton/weights", *[("f", w) for w in weights]),
            osc_message("/baton/weight", ("i", rng.randrange(text_models)), ("f", rng.random())),
            osc_message("/baton/temperature", ("f", 0.5 + rng.random())),
            osc_message("/baton/threshold", ("f", rng.random() * 0.1)),
            osc_message("/baton/pooling", ("s", rng.choice(["linear", "product"]))),
            osc_message("/baton/rate", ("f", 20 + rng.random() * 20)),
            osc_message("/baton/framerate", ("f", 30)),
            osc_message("/baton/pause", ("i", 0)),
            osc_message("/baton/{temperature,threshold}", ("f", 0.05)),
            osc_message("/baton/instrument/pi-temperature", ("f", 0.8 + rng.random() * 0.4)),
        ]
    return out


def hostile_messages():
    """Every documented address with every hostile number, wrong types, garbage and far-future bundles."""
    addresses = ["/baton/weights", "/baton/weight", "/baton/active", "/baton/temperature", "/baton/pooling", "/baton/threshold",
                 "/baton/lookahead", "/baton/rate", "/baton/framerate", "/baton/fastest", "/interface", "/baton/instrument/mode",
                 "/baton/instrument/pi-temperature", "/baton/instrument/sigma-temperature", "/baton/instrument/timescale",
                 "/baton/instrument/threshold", "/baton/*", "/baton/instrument/*"]
    values = [("f", math.nan), ("f", math.inf), ("f", -math.inf), ("f", 1e30), ("f", -1e30), ("d", 1e300), ("d", -1e300),
              ("i", -2**31), ("i", 2**31 - 1), ("h", -2**63), ("h", 2**63 - 1), ("s", "loud"), ("b", b"\x01\x02")]
    out = []
    for address in addresses:
        for value in values:
            out.append(osc_message(address, value))
            out.append(osc_message(address, value, value))
    rng = random.Random(2)
    out += [bytes(rng.randrange(256) for _ in range(rng.choice([1, 3, 8, 17, 64, 300]))) for _ in range(100)]
    out += [osc_message("/no/such/method", ("f", 1.0)), osc_message("/baton/[", ("f", 1.0)),
            osc_message("/baton/prime", ("s", "x" * 5000)),
            osc_bundle(3600, osc_message("/baton/temperature", ("f", 1.0)))]
    return out


# ---------------------------------------------------------------- the server

class Server:
    def __init__(self, workspace, sink_port, minutes):
        args = [str(BATON), "serve", str(ROOT / "Models"), "--http-port", "0", "--osc-port", "0", "--workspace", str(workspace),
                "--osc-send", f"127.0.0.1:{sink_port}", "--mode", "filter", "--seed", "1"]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.stderr_tail = []
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        text = ""
        deadline = time.time() + 120
        while time.time() < deadline and "Ctrl-C" not in text:
            line = self.process.stdout.readline()
            if not line:
                raise SystemExit(f"baton serve exited early:\n{''.join(self.stderr_tail)}")
            text += line
        self.http = re.search(r"studio\s+(http://[\d.]+:\d+)/", text).group(1)
        self.osc_port = int(re.search(r"OSC in\s+[\d.]+:(\d+)", text).group(1))
        self.log_folder = pathlib.Path(re.search(r"session logs (\S+)", text).group(1))
        threading.Thread(target=lambda: [None for _ in self.process.stdout], daemon=True).start()

    def _drain_stderr(self):
        for line in self.process.stderr:
            self.stderr_tail = (self.stderr_tail + [line])[-40:]

    def rss_kib(self):
        try:
            for line in open(f"/proc/{self.process.pid}/status"):
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            return None
        return None

    def request(self, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.http + path, data=data, method="GET" if body is None else "POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")


# ---------------------------------------------------------------- load

class Probes:
    """/interface out, /prediction back, one at a time: a probe is sent, its answer awaited
    (at most a second), then the next one goes at most 1/PROBE_RATE later. With one probe
    in flight the answer is unambiguous whatever the latency; a probe the server never
    answered is counted as such."""

    def __init__(self, sink, port, stop):
        self.sink, self.port, self.stop = sink, port, stop
        self.lock = threading.Lock()
        self.sent = 0
        self.answered = 0
        self.latencies = []       # (arrival time, latency)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sink.setblocking(False)
        n = 0
        start = time.perf_counter()
        while not self.stop.is_set():
            due = start + n / PROBE_RATE
            n += 1
            while (delay := due - time.perf_counter()) > 0:
                time.sleep(delay)
            try:
                while True:
                    self.sink.recv(65536)       # whatever is left from a probe that timed out
            except BlockingIOError:
                pass
            phase = n * 0.05
            values = [0.5 + 0.4 * math.sin(phase), 0.5 + 0.4 * math.cos(phase * 0.7), 0.5]
            sent = time.perf_counter()
            sock.sendto(osc_message("/interface", *[("f", v) for v in values]), ("127.0.0.1", self.port))
            with self.lock:
                self.sent += 1
            deadline = sent + 1.0
            while (left := deadline - time.perf_counter()) > 0:
                ready, _, _ = select.select([self.sink], [], [], left)
                if not ready:
                    break
                try:
                    data = self.sink.recv(65536)
                except BlockingIOError:
                    continue
                if data.startswith(b"/prediction"):
                    now = time.perf_counter()
                    with self.lock:
                        self.latencies.append((now, now - sent))
                        self.answered += 1
                    break
        sock.close()


def osc_load(server, probes, stop, counters):
    text_models = counters["text_models"]
    valid, hostile = valid_messages(text_models), hostile_messages()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    target = ("127.0.0.1", server.osc_port)
    rng = random.Random(3)
    tick = 0.005                                      # one batch every 5 ms
    per_tick = TOTAL_RATE * tick                      # 25 messages
    probes_per_tick = PROBE_RATE * tick               # 1 probe
    start = time.perf_counter()
    n = 0
    while not stop.is_set():
        due = start + n * tick
        while time.perf_counter() < due:
            time.sleep(max(0.0, due - time.perf_counter()))
        sent = 0
        while sent < per_tick - probes_per_tick:
            if rng.random() < 0.45:
                sock.sendto(rng.choice(valid), target)
                counters["valid"] += 1
            else:
                sock.sendto(rng.choice(hostile), target)
                counters["hostile"] += 1
            sent += 1
        n += 1
    sock.close()


async def websocket_client(url, index, stop, counters):
    rng = random.Random(10 + index)
    while not stop.is_set():
        try:
            async with websockets.connect(url, max_size=None, compression=None) as ws:
                last_send = 0.0
                while not stop.is_set():
                    try:
                        message = await asyncio.wait_for(ws.recv(), timeout=0.5)
                        counters["ws_messages"] += 1
                        if '"type":"error"' in message:
                            counters["ws_errors"] += 1
                    except asyncio.TimeoutError:
                        pass
                    if time.time() - last_send > 1:
                        last_send = time.time()
                        await ws.send(json.dumps({"type": "temperature", "value": 0.6 + rng.random() * 0.6}))
                        await ws.send(json.dumps(rng.choice([{"type": "rate", "value": 1e-30}, {"type": "timescale", "value": 1e30},
                                                             {"type": "lookahead", "candidates": 1e9, "depth": 1e9}, {"type": "x"}])))
                        await ws.send("not json")
        except (OSError, websockets.exceptions.WebSocketException):
            counters["ws_reconnects"] += 1
            await asyncio.sleep(0.5)


def websocket_load(url, stop, counters):
    """8 clients in their own process (so the probes' timing does not wait for them)."""
    local = {"ws_messages": 0, "ws_errors": 0, "ws_reconnects": 0}

    async def main():
        async def report():
            while not stop.is_set():
                await asyncio.sleep(0.5)
                for key in local:
                    counters[key] = local[key]
        await asyncio.gather(report(), *(websocket_client(url, i, stop, local) for i in range(8)))
    asyncio.run(main())
    for key in local:
        counters[key] = local[key]


def workshop(server, stop, counters, minutes):
    """A training job early on, then an instrument model switch every 30 s."""
    time.sleep(min(20, minutes * 60 / 6))
    status, dataset = server.request("/api/datasets", {"name": "soak"})
    counters["dataset"] = dataset.get("name") if status == 200 else f"error {status}: {dataset}"
    train_minutes = max(0.25, min(2.0, minutes / 5))
    status, job = server.request("/api/train", {"dataset": "soak.npz", "size": "xs", "minutes": train_minutes, "name": "soak"})
    counters["training"] = job.get("state") if status == 200 else f"error {status}: {job}"
    _, models = server.request("/api/models")
    shipped = [m["name"] for m in models if m["kind"] == "control"]
    choices = list(shipped)
    while not stop.wait(30):
        status, job = server.request("/api/train")
        if job and job.get("state") == "finished" and "soak.safetensors" not in choices:
            choices.append("soak.safetensors")
            counters["training"] = "finished"
        name = choices[counters["switches"] % len(choices)]
        status, answer = server.request("/api/instrument/model", {"name": name})
        # Switching resets the instrument, and a switch is not a performer event: probes keep flowing.
        counters["switches"] += 1 if status == 200 else 0
        if status != 200:
            counters["switch_errors"] += 1


def percentile(values, q):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=float(os.environ.get("SOAK_MINUTES", "10")))
    a = parser.parse_args()
    if not BATON.exists():
        raise SystemExit(f"{BATON} is missing: ./scripts/build-release.sh")
    workspace = pathlib.Path(tempfile.mkdtemp(prefix="baton-soak-"))
    sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sink.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sink.bind(("127.0.0.1", 0))
    server = Server(workspace, sink.getsockname()[1], a.minutes)
    rss_before_load = server.rss_kib()
    _, models = server.request("/api/models")
    counters = {"text_models": sum(m["kind"] == "text" for m in models), "probes": 0, "valid": 0, "hostile": 0,
                "switches": 0, "switch_errors": 0}
    manager = multiprocessing.Manager()
    ws_counters = manager.dict({"ws_messages": 0, "ws_errors": 0, "ws_reconnects": 0})
    ws_stop = multiprocessing.Event()
    ws_process = multiprocessing.Process(target=websocket_load, args=(server.http.replace("http", "ws") + "/ws", ws_stop, ws_counters), daemon=True)
    server.request("/api/command", {"type": "timescale", "value": 0})
    stop = threading.Event()
    probes = Probes(sink, server.osc_port, stop)
    threads = [threading.Thread(target=osc_load, args=(server, probes, stop, counters), daemon=True),
               threading.Thread(target=workshop, args=(server, stop, counters, a.minutes), daemon=True)]
    ws_process.start()
    for t in threads:
        t.start()
    started = time.perf_counter()
    print(f"soak: {a.minutes:g} min against {server.http} (OSC {server.osc_port}), {counters['text_models']} text models, "
          f"{TOTAL_RATE} OSC messages/s ({PROBE_RATE}/s probes), 8 WebSocket clients, a training job, model switches", flush=True)
    print(f"{'minute':>6} {'RSS MiB':>8} {'probes':>7} {'answered':>8} {'p50 µs':>8} {'p99 µs':>8} {'OSC in/s':>9} {'dropped':>8} {'WS msgs':>8}", flush=True)
    rss_start = None
    crashed = False
    minute = 0
    last_status = None
    while time.perf_counter() - started < a.minutes * 60:
        time.sleep(1)
        if server.process.poll() is not None:
            crashed = True
            break
        elapsed = time.perf_counter() - started
        if rss_start is None and elapsed >= min(WARM_UP, a.minutes * 60 / 4):
            rss_start = server.rss_kib()
        if elapsed >= (minute + 1) * 60 or elapsed >= a.minutes * 60:
            window_start = started + minute * 60
            with probes.lock:
                window = [l for t, l in probes.latencies if t >= window_start]
                answered = probes.answered
            counters["probes"] = probes.sent
            try:
                _, status = server.request("/api/status")
            except OSError:
                status = last_status
            last_status = status
            osc = status["osc"] if status else {}
            print(f"{minute + 1:>6} {server.rss_kib() / 1024:>8.1f} {counters['probes']:>7} {answered:>8} "
                  f"{percentile(window, 0.5) * 1e6:>8.0f} {percentile(window, 0.99) * 1e6:>8.0f} "
                  f"{osc.get('received', 0) / max(1, elapsed):>9.0f} "
                  f"{sum(osc.get(k, 0) for k in ('malformed', 'refused', 'unknown', 'invalid', 'late')):>8} {ws_counters['ws_messages']:>8}", flush=True)
            minute += 1
    stop.set()
    probes.thread.join(5)
    counters["probes"] = probes.sent
    ws_stop.set()
    ws_process.join(10)
    time.sleep(2)
    rss_end = server.rss_kib()
    alive = server.process.poll() is None
    final_status = server.request("/api/status")[1] if alive else last_status
    code = None
    if alive:
        server.process.send_signal(signal.SIGINT)
        try:
            code = server.process.wait(30)
        except subprocess.TimeoutExpired:
            server.process.kill()
            code = "hung on shutdown"
    else:
        crashed = True
        code = server.process.returncode
    logged = 0
    for path in glob.glob(str(server.log_folder / "*.csv")):
        logged += sum(",interface," in line for line in open(path, errors="replace"))
    lost = counters["probes"] - logged
    all_latencies = [l for _, l in probes.latencies]
    growth = (rss_end - rss_start) / rss_start if rss_start and rss_end else float("nan")
    print()
    print(f"memory: {rss_before_load / 1024:.1f} MiB before load, {rss_start / 1024 if rss_start else float('nan'):.1f} MiB after "
          f"{WARM_UP} s warm-up, {rss_end / 1024 if rss_end else float('nan'):.1f} MiB at the end ({growth * 100:+.1f} %)")
    print(f"latency /interface -> /prediction: p50 {percentile(all_latencies, 0.5) * 1e6:.0f} µs, "
          f"p99 {percentile(all_latencies, 0.99) * 1e6:.0f} µs, max {max(all_latencies, default=0) * 1e6:.0f} µs over "
          f"{len(all_latencies)} answers")
    instrument = final_status.get("instrument", {}) if final_status else {}
    print(f"performer events: {counters['probes']} sent, {instrument.get('inputs')} read by the server, {logged} logged, {lost} lost; "
          f"{probes.answered} answered by a prediction within 1 s")
    print(f"OSC sent: {counters['probes'] + counters['valid'] + counters['hostile']} ({counters['valid']} valid controls, "
          f"{counters['hostile']} hostile); server counters: {json.dumps(final_status['osc']) if final_status else '?'}")
    print(f"WebSocket: {ws_counters['ws_messages']} messages to 8 clients, {ws_counters['ws_errors']} error replies, "
          f"{ws_counters['ws_reconnects']} reconnects")
    print(f"workshop: dataset {counters.get('dataset')}, training {counters.get('training')}, "
          f"{counters['switches']} model switches ({counters['switch_errors']} refused)")
    print(f"instrument: {instrument.get('inputs')} events in, {instrument.get('predictions')} predictions sent")
    print(f"server: {'CRASHED' if crashed else 'up throughout'}, exit code on SIGINT {code}")
    if crashed:
        print("".join(server.stderr_tail), file=sys.stderr)
    failures = []
    if crashed or code != 0:
        failures.append("the server crashed or did not stop cleanly")
    if lost != 0:
        read = instrument.get("inputs")
        where = (f" ({counters['probes'] - read} never read from the socket: the server did not keep up)"
                 if isinstance(read, int) and read < counters["probes"] else "")
        failures.append(f"{lost} performer events were not logged{where}")
    if not growth <= 0.10:
        failures.append(f"memory grew {growth * 100:.1f} % (limit 10 %)")
    if failures:
        print("soak FAILED: " + "; ".join(failures))
        sys.exit(1)
    print("soak passed")


if __name__ == "__main__":
    main()
