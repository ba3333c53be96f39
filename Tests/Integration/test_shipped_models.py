"""The models the project ships in Models/, served the way `make run` serves them."""
import pytest
from pythonosc.udp_client import SimpleUDPClient

from conftest import ROOT
from serving import Server


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    s = Server([ROOT / "Models"], tmp_path_factory.mktemp("workspace"), extra=["--rate", "400", "--mode", "filter"])
    yield s
    assert s.stop() == 0, s.process.stderr.read()


def test_every_shipped_model_loads_with_its_own_name_and_colour(shipped):
    models = shipped.get("/api/models")
    text = [m for m in models if m["kind"] == "text"]
    strokes = [m for m in models if m["kind"] == "strokes"]
    control = [m for m in models if m["kind"] == "control"]
    assert len(text) >= 6, [m["name"] for m in text]
    assert len(strokes) >= 2, [m["name"] for m in strokes]
    assert len(control) == 1 and control[0]["dims"] == 4, control
    for group in (text, strokes):
        assert len({m["name"] for m in group}) == len(group)
        assert len({m["colour"] for m in group}) == len(group)
    assert all(m["corpus"] for m in models), [m["name"] for m in models if not m["corpus"]]


def test_the_shipped_styles_write_text(shipped):
    status = shipped.wait_for(lambda s: s["text"]["symbols"] >= 300, timeout=30, what="text from the shipped styles")
    assert len(status["text"]["weights"]) >= 6


def test_the_shipped_instrument_answers_a_controller(shipped):
    before = shipped.status()["instrument"]
    client = SimpleUDPClient("127.0.0.1", shipped.osc_port)
    for i in range(20):
        client.send_message("/interface", [0.2 + 0.03 * i, 0.5, 0.8 - 0.03 * i])
    shipped.wait_for(lambda s: s["instrument"]["inputs"] >= before["inputs"] + 20
                     and s["instrument"]["predictions"] > before["predictions"], what="predictions from the shipped model")
