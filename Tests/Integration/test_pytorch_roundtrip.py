"""Round trips between PyTorch (python/baton_train) and Baton, for every kind of model:
(b) a model trained in PyTorch scores with `baton eval` to PyTorch's NLL and plays in
`baton serve`; (c) a model trained by Baton loads in PyTorch, scores the same there, and
training continues from Baton's checkpoint (optimiser included) — and back again."""
import json

import pytest
from pythonosc.udp_client import SimpleUDPClient
from safetensors import safe_open

from conftest import run
from pytorch_support import baton_train, samples, torch  # noqa: F401  (skips without torch)
from serving import Server

TINY = {"text": ["--size", "s", "--units", "32", "--batch", "8", "--window", "32"],
        "control": ["--size", "xs", "--batch", "8", "--window", "20"],
        "strokes": ["--size", "xs", "--mixtures", "4", "--batch", "8", "--window", "30"]}


def metadata(path):
    with safe_open(str(path), framework="pt") as f:
        return dict(f.metadata())


def nll_both(model, data):
    """(baton eval, python -m baton_train eval) in nats per symbol."""
    ours = json.loads(run("eval", model, data, "--json", check=True).stdout)
    theirs = json.loads(baton_train("eval", model, data, "--json").stdout)
    assert ours["symbols"] == theirs["symbols"]
    return ours["nats_per_symbol"], theirs["nats_per_symbol"]


@pytest.fixture(scope="module")
def torch_models(tmp_path_factory, samples):
    """A tiny model of each kind trained by PyTorch for a few steps."""
    folder = tmp_path_factory.mktemp("torch-models")
    models = {}
    for kind in ("text", "control", "strokes"):
        out = folder / f"{kind}.safetensors"
        baton_train(kind, samples[kind], *TINY[kind], "--max-steps", "6", "--seed", "5", "--out", out,
                    "--name", f"torch {kind}")
        models[kind] = out
    return models


@pytest.mark.parametrize("kind", ["text", "control", "strokes"])
def test_pytorch_model_scores_the_same_in_baton(torch_models, samples, kind):
    model = torch_models[kind]
    meta = metadata(model)
    assert meta["format"] == "baton/1" and meta["kind"] == kind and "baton_train" in json.loads(meta["training"])["trainer"]
    info = run("info", model, check=True).stdout
    assert f"torch {kind}" in info
    baton, pytorch = nll_both(model, samples[kind])
    assert abs(baton - pytorch) <= 1e-4, (baton, pytorch)


def test_pytorch_models_play_in_baton_serve(torch_models, tmp_path):
    s = Server([torch_models["text"], torch_models["control"], torch_models["strokes"]], tmp_path, extra=["--rate", "200", "--mode", "filter"])
    try:
        models = s.get("/api/models")
        assert [m["kind"] for m in models] == ["text", "control", "strokes"]
        assert [m["name"] for m in models] == ["torch text", "torch control", "torch strokes"]
        s.wait_for(lambda st: st["text"]["symbols"] >= 20, what="the PyTorch text model writing")
        osc = SimpleUDPClient("127.0.0.1", s.osc_port)
        osc.send_message("/baton/instrument/timescale", 0.0)
        for values in ([0.5, 0.4, 0.9], [0.55, 0.42, 0.85], [0.6, 0.45, 0.8]):
            osc.send_message("/interface", values)
        s.wait_for(lambda st: st["instrument"]["predictions"] >= 3, what="the PyTorch control model answering")
        code, strokes = s.post("/api/strokes", {"points": [[1, 1, 0], [2, -1, 0]], "steps": 20, "samples": 2})
        assert code == 200 and len(strokes["samples"]) == 2 and all(len(sample) > 0 for sample in strokes["samples"])
    finally:
        assert s.stop() == 0, s.process.stderr.read()


@pytest.mark.parametrize("kind", ["text", "control", "strokes"])
def test_baton_model_continues_training_in_pytorch(kind, samples, tiny_model, control_model, stroke_model, tmp_path):
    """Fine-tune on a GPU, perform on a laptop: Baton's file and checkpoint resume in PyTorch."""
    start = {"text": tiny_model, "control": control_model, "strokes": stroke_model}[kind]
    data = samples[kind]
    baton, pytorch = nll_both(start, data)
    assert abs(baton - pytorch) <= 1e-4, (baton, pytorch)
    with safe_open(str(start).replace(".safetensors", ".state.safetensors"), framework="pt") as f:
        baton_step = json.loads(f.metadata()["training_state"])["step"]
    out = tmp_path / "continued.safetensors"
    shape = ["--batch", "16", "--window", "64"] if kind == "text" else ["--batch", "16"]
    result = baton_train(kind, data, "--resume", start, *shape, "--max-steps", baton_step + 3, "--out", out)
    assert f"at step {baton_step}" in result.stderr, result.stderr
    with safe_open(str(tmp_path / "continued.state.safetensors"), framework="pt") as f:
        state = json.loads(f.metadata()["training_state"])
        assert state["step"] == baton_step + 3
        assert f.metadata()["name"] == metadata(start)["name"]
    assert json.loads(run("eval", out, data, "--json", check=True).stdout)["symbols"] > 0


def test_baton_continues_a_pytorch_checkpoint(torch_models, samples, tmp_path):
    """…and the other way: `baton train --resume` reads the optimiser state PyTorch wrote."""
    out = tmp_path / "back-in-baton.safetensors"
    corpus = samples["text"]
    result = run("train", "text", corpus, "--resume", torch_models["text"], "--batch", "8", "--window", "32",
                 "--epochs", "1", "--out", out, check=True)
    assert "resuming from" in result.stderr and "at step 6" in result.stderr, result.stderr
    assert json.loads(run("eval", out, corpus, "--json", check=True).stdout)["nats_per_symbol"] > 0
