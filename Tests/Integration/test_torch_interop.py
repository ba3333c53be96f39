"""A text model Baton trains with a learned embedding is a PyTorch state_dict: it loads into
`Embedding → LSTM(batch_first) → Linear` unchanged (strict) and scores text the same."""
import json

import pytest

from conftest import run

torch = pytest.importorskip("torch")
safetensors_torch = pytest.importorskip("safetensors.torch")


class CharModel(torch.nn.Module):
    def __init__(self, layers, units, embedding):
        super().__init__()
        self.embed = torch.nn.Embedding(256, embedding)
        self.lstm = torch.nn.LSTM(embedding, units, layers, batch_first=True)
        self.head = torch.nn.Linear(units, 256)

    def forward(self, symbols):
        out, _ = self.lstm(self.embed(symbols))
        return self.head(out)


def test_an_embedding_model_loads_in_pytorch_and_scores_the_same(tmp_path, corpus):
    out = tmp_path / "embedded.safetensors"
    run("train", "text", corpus, "--size", "m", "--units", "32", "--embedding", "12", "--epochs", "1", "--batch", "16",
        "--window", "32", "--out", out, "--seed", "5", check=True)
    state = safetensors_torch.load_file(str(out))
    assert tuple(state["embed.weight"].shape) == (256, 12)
    model = CharModel(layers=2, units=32, embedding=12)
    model.load_state_dict(state, strict=True)

    sample = tmp_path / "sample.txt"
    sample.write_bytes(corpus.read_bytes()[-3000:])
    symbols = torch.tensor([list(sample.read_bytes())], dtype=torch.long)
    with torch.no_grad():
        logits = model(symbols[:, :-1]).double()
        nll = float(torch.nn.functional.cross_entropy(logits[0], symbols[0, 1:]))
    baton = json.loads(run("eval", out, sample, "--json", check=True).stdout)
    assert baton["symbols"] == symbols.shape[1] - 1
    assert abs(baton["nats_per_symbol"] - nll) < 1e-4, (baton, nll)
