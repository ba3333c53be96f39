"""Starting and talking to a real `baton serve` in integration tests."""
import json
import pathlib
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest
from pythonosc.osc_message import OscMessage

from conftest import BATON


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`baton serve` on OS-assigned ports; `http`, `osc_port` parsed from what it prints."""

    def __init__(self, models, workspace, osc_send=(), extra=(), env=None):
        args = [str(BATON), "serve", *map(str, models), "--http-port", "0", "--osc-port", "0",
                "--workspace", str(workspace), "--seed", "7", *extra]
        for destination in osc_send:
            args += ["--osc-send", destination]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.lines = []
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise AssertionError(f"baton serve exited early:\n{self.process.stderr.read()}")
            self.lines.append(line)
            if line.startswith("Ctrl-C"):
                break
        text = "".join(self.lines)
        match = re.search(r"studio\s+(http://[\d.]+:\d+)/(\?token=(\w+))?", text)
        self.http = match.group(1)
        self.token = match.group(3)
        self.osc_port = int(re.search(r"OSC in\s+[\d.]+:(\d+)", text).group(1))
        logs = re.search(r"session logs (\S+)", text)
        self.log_folder = logs.group(1) if logs else None

    @property
    def log(self):
        """The newest session log (files appear with the first event)."""
        if not self.log_folder:
            return None
        # Baton's CSV logs, or IMPSY's `.log` ones (--log-format impsy).
        folder = pathlib.Path(self.log_folder)
        files = sorted([*folder.glob("*.csv"), *folder.glob("*.log")], key=lambda p: p.stat().st_mtime)
        return str(files[-1]) if files else None

    def url(self, path):
        return self.http + path + (f"?token={self.token}" if self.token else "")

    def get(self, path):
        with urllib.request.urlopen(self.url(path), timeout=10) as response:
            return json.loads(response.read())

    def post(self, path, body):
        request = urllib.request.Request(self.url(path), data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def status(self):
        return self.get("/api/status")

    def wait_for(self, predicate, timeout=10, what="condition"):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            last = self.status()
            if predicate(last):
                return last
            time.sleep(0.1)
        raise AssertionError(f"{what} not reached; last status: {json.dumps(last)[:800]}")

    def stop(self, sig=signal.SIGINT):
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


class Inbox:
    """A UDP socket on an OS-assigned port keeping every OSC message that arrives, with its
    arrival time (a plain socket: it keeps up with a server sending 1,000 predictions/s)."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.arrivals = []
        self.lock = threading.Lock()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                return
            address = data[:data.index(b"\0")].decode(errors="replace") if b"\0" in data else ""
            with self.lock:
                self.arrivals.append((time.time(), address, data))

    def count(self, address, since=0.0):
        with self.lock:
            return sum(1 for t, a, _ in self.arrivals if a == address and t >= since)

    def of(self, address):
        """The arguments of every message to `address` so far."""
        with self.lock:
            packets = [data for _, a, data in self.arrivals if a == address]
        return [tuple(OscMessage(data).params) for data in packets]

    def wait(self, address, count=1, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.count(address) >= count:
                return self.of(address)
            time.sleep(0.05)
        raise AssertionError(f"fewer than {count} {address} messages arrived: {self.count(address)}")

    def close(self):
        self.sock.close()


@pytest.fixture(scope="module")
def inbox():
    """An Inbox for a module's server to send its OSC to."""
    box = Inbox()
    yield box
    box.close()
