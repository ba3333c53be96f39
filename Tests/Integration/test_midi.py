"""`baton serve` as an IMPSY rig against a real MIDI system with no sound card: JACK's dummy
backend, python-rtmidi as the performer's controller and as the synth."""
import json
import math
import os
import re
import shutil
import subprocess
import threading
import time

import pytest
from websockets.sync.client import connect

from conftest import BATON, ROOT, SHARED, run
from midi_peers import Controller, JackServer, Synth, note_ons
from serving import Inbox, Server

IMPSY = SHARED / "fixtures" / "impsy"
S1 = [["note_on", 3], ["control_change", 3, 19], ["control_change", 3, 20]]


@pytest.fixture(scope="module")
def jack():
    server = JackServer()
    yield server
    server.stop()


def rig_config(folder, mode="callresponse", threshold=0.3, timescale=1, feedback=False, input_thru=False, log_predictions=True):
    """A 4-d IMPSY rig around IMPSY's own Keras model, in an IMPSY project layout."""
    (folder / "models").mkdir(exist_ok=True)
    model = folder / "models" / "musicMDRNN-dim4-layers2-units64-mixtures5-scale10.h5"
    if not model.exists():
        model.write_bytes((IMPSY / model.name).read_bytes())
    (folder / "configs").mkdir(exist_ok=True)
    path = folder / "configs" / f"{mode}.toml"
    path.write_text(f"""
title = "test rig"
verbose = false
log_predictions = {str(log_predictions).lower()}
[interaction]
mode = "{mode}"
threshold = {threshold}
input_thru = {str(input_thru).lower()}
[model]
dimension = 4
file = "models/musicMDRNN-dim4-layers2-units64-mixtures5-scale10.tflite"
size = "s"
sigmatemp = 0.01
pitemp = 1
timescale = {timescale}
[midi]
in_device = ["S-1"]
out_device = ["S-1"]
feedback_protection = {str(feedback).lower()}
input."S-1" = {json.dumps(S1)}
output."S-1" = {json.dumps(S1)}
""")
    return path


class Predictions:
    """Every `prediction` the server publishes on its WebSocket, with arrival times."""

    def __init__(self, server):
        self.items = []
        self.lock = threading.Lock()
        self.ws = connect(server.http.replace("http", "ws") + "/ws", max_size=None)
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        try:
            for text in self.ws:
                message = json.loads(text)
                if message.get("type") == "prediction":
                    with self.lock:
                        self.items.append((time.monotonic(), message["values"], message["dt"]))
        except Exception:
            pass

    def all(self):
        with self.lock:
            return list(self.items)

    def close(self):
        self.ws.close()


def midi_value(v):
    return math.ceil(min(1.0, max(0.0, v)) * 127)


def start(tmp_path, config, inbox=None, extra=()):
    osc = [f"127.0.0.1:{inbox.port}"] if inbox else ["127.0.0.1:9"]
    return Server([], tmp_path / "ws", osc_send=osc, extra=["--impsy-config", str(config), *extra])


def wait_connected(server, timeout=10):
    """Until both S-1 ports are connected (the rig rescans every second)."""
    server.wait_for(lambda s: s["instrument"] is not None, timeout=timeout)
    time.sleep(2.5)


def test_polyphony_answers_each_note_at_its_predicted_time_mapped_as_the_config_says(jack, tmp_path):
    config = rig_config(tmp_path, mode="polyphony", timescale=1)
    controller, synth = Controller("S-1", "S-1 MIDI 1 out"), Synth("S-1 synth", "S-1 MIDI 1 in")
    inbox = Inbox()
    server = start(tmp_path, config, inbox)
    try:
        wait_connected(server)
        assert server.status()["instrument"]["mode"] == "filter"
        predictions = Predictions(server)
        time.sleep(0.3)
        controller.send([0xB2, 19, 127])             # CC 19 on channel 3: value 1 (answered too)
        time.sleep(1.0)
        for note in (60, 64, 67, 72):
            controller.send([0x92, note, 100])       # channel 3 note-on: value note/127
            time.sleep(1.0)
        status = server.wait_for(lambda s: s["instrument"]["predictions"] >= 5, what="5 predictions")
        assert status["instrument"]["inputs"] == 5
        got = synth.wait(lambda m: len(note_ons(m, 3)) >= 5, what="5 note-ons from Baton")
        answers = predictions.all()
        assert len(answers) == 5
        # Mapped as the config says: note-on ch 3 = ceil(v1·127) at velocity 127, CC 19/20 = ceil(v·127).
        values = [v for _, v, _ in answers]
        played = [m for _, m in got if m[0] in (0x92, 0xB2)]
        expected = []
        for v in values:
            expected += [[0x92, midi_value(v[0]), 127], [0xB2, 19, midi_value(v[1])], [0xB2, 20, midi_value(v[2])]]
        assert played == expected
        # Note-off for the previous note right before each new one (IMPSY's monophonic voice).
        ons = [i for i, (_, m) in enumerate(got) if m[0] == 0x92]
        for previous, current in zip(ons, ons[1:]):
            assert got[current - 1][1] == [0x82, got[previous][1][1], 0], got[current - 1]
        # At the predicted time: each answer leaves dt after its performer event arrived.
        sends = [t for t, m in controller.sent]
        arrivals = [t for t, m in note_ons(got, 3)]
        for (sent, arrival, (_, _, dt)) in zip(sends, arrivals, answers):
            assert abs((arrival - sent) - max(dt, 0.000454)) < 0.05, (arrival - sent, dt)
        # OSC gets IMPSY's /impsy (clipped) beside Baton's /prediction.
        impsy = inbox.wait("/impsy", count=5)
        assert all(0 <= x <= 1 for args in impsy for x in args) and all(len(args) == 3 for args in impsy)
        assert len(inbox.of("/prediction")) == 5
        predictions.close()
    finally:
        code = server.stop()
        controller.close()
        synth.close()
        inbox.close()
    assert code == 0, server.process.stderr.read()


def test_call_and_response_plays_after_the_threshold_and_stops_when_the_performer_returns(jack, tmp_path):
    config = rig_config(tmp_path, mode="callresponse", threshold=0.3, timescale=1)
    controller, synth = Controller("S-1", "S-1 MIDI 1 out"), Synth("S-1 synth", "S-1 MIDI 1 in")
    server = start(tmp_path, config)
    try:
        wait_connected(server)
        for note in (60, 62, 64, 65, 67):
            controller.send([0x92, note, 100])
            time.sleep(0.05)
        last = controller.sent[-1][0]
        got = synth.wait(lambda m: len(note_ons(m, 3)) >= 5, timeout=15, what="the model's answer")
        first = note_ons(got, 3)[0][0]
        assert first - last >= 0.29, f"answered {first - last:.3f} s after the performer stopped; threshold 0.3"
        # The performer plays again: the model falls silent at once.
        controller.send([0x92, 50, 100])
        back = time.monotonic()
        time.sleep(0.25)
        later = [t for t, m in note_ons(synth.messages(), 3) if t > back + 0.02]
        assert later == [], f"the model kept playing over the performer: {len(later)} notes"
        log = open(server.log).read().splitlines()
        assert server.log.endswith("-4d-mdrnn.log"), server.log
        assert sum(",interface," in line for line in log) == 6
        assert any(",rnn," in line for line in log), "log_predictions = true keeps the model's rows"
    finally:
        code = server.stop()
        controller.close()
        synth.close()
    assert code == 0
    # Shutdown released the last note.
    offs = [m for _, m in synth.messages() if m[0] == 0x82]
    assert offs, "no note-off at shutdown"


def test_feedback_protection_ignores_a_synth_that_echoes_notes(jack, tmp_path):
    config = rig_config(tmp_path, mode="polyphony", timescale=0, feedback=True)
    controller = Controller("S-1", "S-1 MIDI 1 out")
    synth = Synth("S-1 synth", "S-1 MIDI 1 in", echo=controller)  # the S-1 echoes every note it is sent
    server = start(tmp_path, config)
    try:
        wait_connected(server)
        for note in (60, 70, 80):
            controller.send([0x92, note, 100])
            time.sleep(0.3)
        time.sleep(0.5)
        status = server.status()["instrument"]
        assert status["inputs"] == 3, f"echoes were taken as the performer's: {status}"
        assert status["predictions"] == 3
    finally:
        server.stop()
        controller.close()
        synth.close()


def test_a_device_that_disappears_is_reopened_when_it_returns(jack, tmp_path):
    config = rig_config(tmp_path, mode="polyphony", timescale=0)
    controller, synth = Controller("S-1", "S-1 MIDI 1 out"), Synth("S-1 synth", "S-1 MIDI 1 in")
    server = start(tmp_path, config)
    try:
        wait_connected(server)
        controller.send([0x92, 60, 100])
        server.wait_for(lambda s: s["instrument"]["inputs"] == 1, what="the first note")
        controller.close()
        synth.close()
        time.sleep(2.5)
        controller, synth = Controller("S-1", "S-1 MIDI 1 out"), Synth("S-1 synth", "S-1 MIDI 1 in")
        time.sleep(2.5)
        controller.send([0x92, 62, 100])
        server.wait_for(lambda s: s["instrument"]["inputs"] == 2, what="a note after the device came back")
        synth.wait(lambda m: len(note_ons(m, 3)) >= 1, what="a prediction to the returned synth")
    finally:
        code = server.stop()
        controller.close()
        synth.close()
    errors = server.process.stderr.read()
    assert code == 0
    assert "disappeared" in errors and "(reopened)" in errors, errors


def test_every_shared_impsy_config_starts(jack, tmp_path):
    configs = sorted((IMPSY / "configs").glob("*.toml"))
    assert len(configs) >= 7
    for config in configs:
        server = Server([], tmp_path / config.stem, extra=["--impsy-config", str(config)], osc_send=["127.0.0.1:9"])
        try:
            status = server.status()
            assert status["instrument"] is not None, config
        finally:
            code = server.stop()
        errors = server.process.stderr.read()
        assert code == 0, f"{config.name}: {errors}"
        assert "impsy-config: mode" in errors


def test_virtual_ports_when_no_device_is_named(jack, tmp_path, control_model):
    import rtmidi
    server = Server([control_model], tmp_path / "ws", extra=["--midi", "--mode", "filter"], osc_send=["127.0.0.1:9"])
    try:
        out = rtmidi.MidiOut(rtmidi.API_UNIX_JACK, name="pd")
        deadline = time.time() + 10
        while time.time() < deadline and not any("Baton in" in p for p in out.get_ports()):
            time.sleep(0.1)
        ports = out.get_ports()
        index = next(i for i, p in enumerate(ports) if "Baton in" in p)
        out.open_port(index)
        time.sleep(0.3)
        out.send_message([0x90, 64, 100])
        server.wait_for(lambda s: s["instrument"]["inputs"] == 1, what="a note through the virtual port")
        out.close_port()
        out.delete()
    finally:
        assert server.stop() == 0


def test_a_missing_jack_server_is_one_clear_error(tmp_path, control_model):
    env = dict(os.environ, JACK_DEFAULT_SERVER="no-such-server")
    result = run("midi", "list", "--midi-api", "jack", env=env)
    assert result.returncode == 1 and "error: JACK MIDI: no JACK server 'no-such-server' is running" in result.stderr, result.stderr


@pytest.mark.skipif(not os.path.exists("/dev/snd/seq"), reason="no ALSA sequencer here (/dev/snd/seq is absent: containers and machines without snd-seq); the JACK tests cover the same paths")
def test_alsa_sequencer_ports_are_listed(tmp_path):
    import rtmidi
    out = rtmidi.MidiOut(rtmidi.API_LINUX_ALSA, name="S-1")
    out.open_virtual_port("S-1 MIDI 1")
    try:
        result = run("midi", "list", "--midi-api", "alsa", check=True)
        assert "S-1" in result.stdout
    finally:
        out.close_port()


def test_alsa_is_refused_clearly_without_a_sequencer():
    if os.path.exists("/dev/snd/seq"):
        pytest.skip("this machine has an ALSA sequencer")
    result = run("midi", "list", "--midi-api", "alsa")
    assert result.returncode == 1 and "no sequencer device /dev/snd/seq" in result.stderr, result.stderr


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is installed by scripts/setup-system.sh test")
def test_a_fader_box_conducts_the_terminal_ensemble_with_midi_learn(jack, tiny_model, second_text_model):
    from test_ensemble_cli import capture, wait_for
    controller = Controller("nanoKONTROL", "out")
    session = f"baton-midi-{int(time.time() * 1000)}"
    command = (f"env JACK_DEFAULT_SERVER={jack.name} {BATON} ensemble {tiny_model} {second_text_model} --interactive --seed 2 --rate 200 "
               f"--midi-in nanoKONTROL --midi-map 1:8=temperature")
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "160", "-y", "32", command], check=True)
    try:
        wait_for(session, lambda s: "MIDI: 1:8=temperature · m to learn" in s)
        time.sleep(1.0)
        controller.send([0xB0, 8, 127])                     # the bound fader: temperature 2.0
        wait_for(session, lambda s: "temperature 2.0" in s)
        subprocess.run(["tmux", "send-keys", "-t", session, "m"], check=True)
        wait_for(session, lambda s: "MIDI learn: move a controller" in s)
        controller.send([0xB0, 7, 64])
        wait_for(session, lambda s: "CC 7 (ch 1)" in s)
        subprocess.run(["tmux", "send-keys", "-t", session, "1"], check=True)   # CC 7 now drives model 1's weight
        subprocess.run(["tmux", "send-keys", "-t", session, "m"], check=True)
        wait_for(session, lambda s: "1:7=weight:1" in s and "m to learn" in s)
        controller.send([0xB0, 7, 0])                       # fader down: model 1 silent
        screen = wait_for(session, lambda s: "(skipped)" in s and "1.00" in s)
        assert screen.count("(skipped)") == 1, screen
        subprocess.run(["tmux", "send-keys", "-t", session, "q"], check=True)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
        controller.close()


def test_input_thru_echoes_the_performer_to_midi_and_osc(jack, tmp_path):
    config = rig_config(tmp_path, mode="useronly", input_thru=True)
    controller, synth = Controller("S-1", "S-1 MIDI 1 out"), Synth("S-1 synth", "S-1 MIDI 1 in")
    inbox = Inbox()
    server = start(tmp_path, config, inbox)
    try:
        wait_connected(server)
        controller.send([0xB2, 20, 127])
        got = synth.wait(lambda m: len(m) >= 3, what="the performer's vector played back")
        # useronly (none): no predictions, only the performer's own vector: [0.5, 0.5, 1].
        assert [m for _, m in got][:3] == [[0x92, 64, 127], [0xB2, 19, 64], [0xB2, 20, 127]]
        echoed = inbox.wait("/impsy")
        assert [round(x, 3) for x in echoed[0]] == [0.5, 0.5, 1.0]
        assert server.status()["instrument"]["predictions"] == 0
    finally:
        server.stop()
        controller.close()
        synth.close()
        inbox.close()
