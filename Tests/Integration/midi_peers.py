"""Real MIDI peers for the integration tests and the benchmark: a JACK server on its dummy
backend (no sound card needed) and python-rtmidi clients playing the performer's controller
and the synth."""
import os
import shutil
import subprocess
import tempfile
import threading
import time

import pytest


class JackServer:
    """`jackd -d dummy` under a name of its own; JACK_DEFAULT_SERVER points every client
    started from this process (and its children) at it."""

    def __init__(self, period=64, rate=48000):
        if shutil.which("jackd") is None:
            pytest.skip("jackd is not installed (Debian jackd2; `make test` installs it)")
        self.name = f"baton-test-{os.getpid()}"
        # jackd reports every late cycle on stderr: to a file, never a pipe nobody drains
        # (a full pipe blocks jackd, and every client with it).
        self.log = tempfile.NamedTemporaryFile(prefix="jackd-", suffix=".log", delete=False)
        self.process = subprocess.Popen(["jackd", "--no-realtime", "--sync", "-n", self.name, "-d", "dummy", "-r", str(rate), "-p", str(period)],
                                        stdout=subprocess.DEVNULL, stderr=self.log)
        self.previous = os.environ.get("JACK_DEFAULT_SERVER")
        os.environ["JACK_DEFAULT_SERVER"] = self.name
        import rtmidi
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"jackd exited: {open(self.log.name).read()[-2000:]}")
            try:
                probe = rtmidi.MidiOut(rtmidi.API_UNIX_JACK, name="probe")
                probe.get_ports()
                probe.delete()
                if self.ready():
                    return
            except Exception:
                pass
            time.sleep(0.2)
        raise AssertionError("jackd did not come up within 15 s")

    def ready(self):
        result = subprocess.run(["jack_lsp"], capture_output=True, text=True, env=dict(os.environ)) if shutil.which("jack_lsp") else None
        return result is None or result.returncode == 0

    def stop(self):
        if self.previous is None:
            os.environ.pop("JACK_DEFAULT_SERVER", None)
        else:
            os.environ["JACK_DEFAULT_SERVER"] = self.previous
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        os.unlink(self.log.name)


class Controller:
    """The performer's controller: a JACK MIDI source named `client:port`."""

    def __init__(self, client, port):
        import rtmidi
        self.out = rtmidi.MidiOut(rtmidi.API_UNIX_JACK, name=client)
        self.out.open_virtual_port(port)
        self.sent = []

    def send(self, message):
        self.sent.append((time.monotonic(), list(message)))
        self.out.send_message(message)

    def close(self):
        self.out.close_port()
        self.out.delete()


class Synth:
    """The synth: a JACK MIDI sink that timestamps everything Baton plays it. `echo` sends
    every note-on straight back through a controller, as a Roland S-1 does over USB."""

    def __init__(self, client, port, echo=None):
        import rtmidi
        self.input = rtmidi.MidiIn(rtmidi.API_UNIX_JACK, name=client)
        self.input.ignore_types(sysex=True, timing=True, active_sense=True)
        self.input.open_virtual_port(port)
        self.received = []
        self.lock = threading.Lock()
        self.echo = echo
        self.input.set_callback(self.receive)

    def receive(self, event, _data):
        message, _delta = event
        with self.lock:
            self.received.append((time.monotonic(), list(message)))
        if self.echo is not None and message[0] & 0xF0 == 0x90 and message[2] > 0:
            self.echo.send(message)

    def messages(self):
        with self.lock:
            return list(self.received)

    def wait(self, predicate, timeout=10, what="messages"):
        deadline = time.time() + timeout
        while time.time() < deadline:
            got = self.messages()
            if predicate(got):
                return got
            time.sleep(0.01)
        raise AssertionError(f"{what} not received; got {self.messages()[:20]}")

    def close(self):
        self.input.cancel_callback()
        self.input.close_port()
        self.input.delete()


def note_ons(messages, channel):
    return [(t, m) for t, m in messages if m[0] == 0x90 + channel - 1 and m[2] > 0]
