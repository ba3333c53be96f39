"""`python -m baton_train` from a user's point of view: the issue's done-when line on an
installed package, one-line errors for bad input, `export` of other people's state_dicts."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, SHARED, run
from pytorch_support import PACKAGE, baton_train, torch

DATA = {"control": SHARED / "datasets" / "control" / "impsy-4d.npz", "strokes": SHARED / "datasets" / "strokes" / "kanji.npz"}


@pytest.fixture(scope="module")
def installed():
    """`pip install ./python` as the README says (no PYTHONPATH: the installed package runs)."""
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "./python"], cwd=ROOT,
                   check=True, capture_output=True, timeout=600)
    torchrun = shutil.which("torchrun")
    assert torchrun, "torch installs the torchrun command"
    return torchrun


@pytest.mark.parametrize("kind", ["text", "control", "strokes"])
def test_done_when_line(installed, kind, corpus, tmp_path):
    """pip install ./python && torchrun --nproc_per_node=2 -m baton_train KIND DATA --minutes M --out m.safetensors
    && .build/release/baton eval m.safetensors DATA (a short budget here; the 1-minute run is in docs/scale-out.md)."""
    data = corpus if kind == "text" else DATA[kind]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    size = ["--size", "s", "--units", "64"] if kind == "text" else ["--size", "xs"]
    train = subprocess.run([installed, "--nproc_per_node=2", "-m", "baton_train", kind, str(data), *size, "--minutes", "0.15",
                            "--out", "m.safetensors"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert train.returncode == 0, train.stderr[-3000:]
    assert "2 processes (gloo)" in train.stderr and "stopped: time budget reached" in train.stderr, train.stderr[-3000:]
    assert "ETA" in train.stderr and ("chars/s" in train.stderr or "events/s" in train.stderr)
    scored = run("eval", tmp_path / "m.safetensors", data, check=True).stdout
    assert "nats/" in scored


@pytest.mark.parametrize("args,needles", [
    (["text", "/nonexistent/corpus.txt", "--out", "m.safetensors"], ["cannot read /nonexistent/corpus.txt"]),
    (["text", "{corpus}", "--out", "m.bin"], ["--out should end in .safetensors"]),
    (["text", "{corpus}", "--size", "huge", "--out", "m.safetensors"], ["unknown text model size 'huge'", "s, m, l, xl"]),
    (["text", "{corpus}", "--lr", "-1", "--out", "m.safetensors"], ["--lr must be > 0"]),
    (["text", "{corpus}", "--window", "100000", "--out", "m.safetensors"], ["too short", "--window"]),
    (["control", "{corpus}", "--out", "m.safetensors"], ["not an .npz archive"]),
    (["strokes", str(DATA["control"]), "--out", "m.safetensors"], ["has 4 values per event, the model expects 3"]),
    (["control", str(DATA["control"]), "--resume", "{text_model}", "--out", "m.safetensors"], ["it is a text model"]),
    (["eval", "{corpus}", "{corpus}"], ["is not a safetensors file"]),
    (["text", "{corpus}"], ["the following arguments are required: --out"]),
])
def test_bad_input_is_one_line(args, needles, corpus, tiny_model, tmp_path):
    args = [a.format(corpus=corpus, text_model=tiny_model) for a in args]
    result = baton_train(*args, check=False, cwd=tmp_path)
    assert result.returncode in (1, 2), result
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "(hint: " in lines[0], result.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    assert "Traceback" not in result.stderr


class Wrapped(torch.nn.Module):
    """Someone else's model: a GPU-trained byte LSTM, compiled and wrapped in DDP."""

    def __init__(self, proj=0, bidirectional=False, gru=False):
        super().__init__()
        self.emb = torch.nn.Embedding(256, 12)
        cell = torch.nn.GRU(12, 16, 2, batch_first=True) if gru else \
            torch.nn.LSTM(12, 16, 2, batch_first=True, proj_size=proj, bidirectional=bidirectional)
        self.rnn = cell
        self.out = torch.nn.Linear(16 * (2 if bidirectional else 1) if not proj else proj, 256)

    def forward(self, x):
        y, _ = self.rnn(self.emb(x))
        return self.out(y)


def test_export_takes_a_wrapped_state_dict_and_baton_scores_it_as_pytorch(tmp_path, corpus):
    torch.manual_seed(0)
    model = Wrapped()
    state = {f"module._orig_mod.{k}": v for k, v in model.state_dict().items()}
    torch.save(state, tmp_path / "theirs.pt")
    out = tmp_path / "theirs.safetensors"
    result = baton_train("export", tmp_path / "theirs.pt", "--kind", "text", "--out", out, "--name", "Theirs")
    assert "text LSTM 2×16, embedding 12" in result.stdout
    text = corpus.read_bytes()[:3000]
    sample = tmp_path / "sample.txt"
    sample.write_bytes(text)
    with torch.no_grad():
        symbols = torch.tensor([list(text)])
        logits = model(symbols[:, :-1]).double()
        expected = float(torch.nn.functional.cross_entropy(logits[0], symbols[0, 1:]))
    baton = json.loads(run("eval", out, sample, "--json", check=True).stdout)["nats_per_symbol"]
    assert abs(baton - expected) <= 1e-4, (baton, expected)
    assert "Theirs" in run("info", out, check=True).stdout


@pytest.mark.parametrize("variant,needle", [
    ({"proj": 8}, "weight_hr_l0: an LSTM with proj_size"),
    ({"bidirectional": True}, "_reverse: a bidirectional LSTM"),
    ({"gru": True}, "3 gates, an LSTM has 4"),
])
def test_export_refuses_what_baton_cannot_run_by_name(variant, needle, tmp_path):
    torch.save(Wrapped(**variant).state_dict(), tmp_path / "x.pt")
    result = baton_train("export", tmp_path / "x.pt", "--kind", "text", "--out", tmp_path / "x.safetensors", check=False)
    assert result.returncode == 1 and needle in result.stderr and result.stderr.startswith("error: "), result.stderr
    assert not (tmp_path / "x.safetensors").exists()
