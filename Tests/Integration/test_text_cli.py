"""The text workflow from a user's point of view: train, sample, eval, info, bad input."""
import json
import math
import signal
import struct
import subprocess
import time

from conftest import BATON, assert_user_error, run


def tensor_bytes(path):
    """The data section of a safetensors file (weights only, not the metadata)."""
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    return raw[8 + n:]


def test_help_explains_every_command():
    for command in ([], ["train", "text"], ["sample"], ["eval"], ["info"]):
        result = run(*command, "--help", check=True)
        assert "USAGE" in result.stdout.upper()
    assert "--temperature" in run("sample", "--help").stdout
    assert "parameters" in run("train", "text", "--help").stdout


def test_training_writes_model_checkpoint_and_curve(tiny_model):
    base = str(tiny_model)[: -len(".safetensors")]
    for suffix in (".safetensors", ".state.safetensors", ".metrics.csv", ".loss.svg"):
        assert (tiny_model.parent / (tiny_model.name.replace(".safetensors", "") + suffix)).exists(), suffix
    rows = open(base + ".metrics.csv").read().splitlines()
    assert rows[0] == "step,epoch,seconds,train_nll,validation_nll,learning_rate"
    validations = [float(r.split(",")[4]) for r in rows[1:] if r.split(",")[4]]
    assert validations and validations[-1] < math.log(256) - 1.5, validations
    assert open(base + ".loss.svg").read().startswith("<svg")


def test_training_is_deterministic_with_a_seed(tmp_path, corpus):
    outs = []
    for i in range(2):
        out = tmp_path / f"run{i}.safetensors"
        run("train", "text", corpus, "--size", "s", "--epochs", "1", "--batch", "8", "--window", "32",
            "--out", out, "--seed", "11", check=True)
        outs.append(tensor_bytes(out))
    assert outs[0] == outs[1]


def test_resume_continues_from_the_checkpoint(tmp_path, corpus):
    out = tmp_path / "r.safetensors"
    args = ["train", "text", corpus, "--size", "s", "--batch", "8", "--window", "32", "--out", out]
    first = run(*args, "--epochs", "1", check=True)
    second = run(*args, "--epochs", "2", "--resume", out, check=True)
    assert "resuming from" in second.stderr
    steps = lambda r: int(r.stderr.split(" after ")[1].split(" steps")[0])
    assert steps(second) == 2 * steps(first)


def test_resume_into_another_file_writes_that_file(tmp_path, corpus):
    first, second = tmp_path / "a.safetensors", tmp_path / "b.safetensors"
    args = ["train", "text", corpus, "--size", "s", "--batch", "8", "--window", "32"]
    run(*args, "--epochs", "1", "--out", first, check=True)
    before = first.read_bytes()
    run(*args, "--epochs", "2", "--resume", first, "--out", second, check=True)
    assert second.exists() and (tmp_path / "b.state.safetensors").exists()
    assert first.read_bytes() == before, "the resumed file is left as it was"


def test_ctrl_c_saves_and_exits_cleanly(tmp_path, corpus):
    out = tmp_path / "interrupted.safetensors"
    proc = subprocess.Popen([str(BATON), "train", "text", str(corpus), "--size", "m", "--minutes", "5",
                             "--batch", "8", "--window", "32", "--validate-every", "100000", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(4)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    assert "interrupted" in stderr
    assert out.exists() and (tmp_path / "interrupted.state.safetensors").exists()
    assert run("info", out).returncode == 0


def test_sample_streams_reproducible_text(tiny_model):
    a = run("sample", tiny_model, "--length", "300", "--seed", "5", "--prime", "Le ", check=True).stdout
    b = run("sample", tiny_model, "--length", "300", "--seed", "5", "--prime", "Le ", check=True).stdout
    assert a == b and a.startswith("Le ") and len(a.encode()) >= 300
    c = run("sample", tiny_model, "--length", "200", "--temperature", "0.5", "--top-k", "5", "--top-p", "0.9", "--seed", "1", check=True)
    assert len(c.stdout) > 100


def test_eval_counts_n_minus_one_predictions(tiny_model, corpus, tmp_path):
    sample = tmp_path / "held.txt"
    sample.write_bytes(corpus.read_bytes()[-3000:])
    result = json.loads(run("eval", tiny_model, sample, "--json", check=True).stdout)
    assert set(result) == {"nats_per_symbol", "bits_per_symbol", "symbols"}
    assert result["symbols"] == 2999
    assert 0 < result["nats_per_symbol"] < math.log(256)
    assert abs(result["bits_per_symbol"] - result["nats_per_symbol"] / math.log(2)) < 1e-4
    assert "nats/symbol" in run("eval", tiny_model, sample, check=True).stdout


def test_info_shows_architecture_and_metadata(tiny_model):
    out = run("info", tiny_model, check=True).stdout
    assert "LSTM 1×256" in out and "parameters" in out and "training" in out and "baudelaire-head" in out


def test_bad_inputs_give_one_line_errors(tmp_path, corpus, tiny_model):
    out = tmp_path / "x.safetensors"
    assert_user_error(run("train", "text", tmp_path / "missing.txt", "--out", out), "missing.txt")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert_user_error(run("train", "text", empty, "--out", out), "empty")
    short = tmp_path / "short.txt"
    short.write_bytes(b"too short for a window")
    assert_user_error(run("train", "text", short, "--out", out), "short.txt")
    assert_user_error(run("train", "text", corpus, "--size", "huge", "--out", out), "huge")
    assert_user_error(run("sample", tmp_path / "nope.safetensors"), "nope.safetensors")
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json}")
    assert_user_error(run("info", junk), "junk.safetensors")
    truncated = tmp_path / "truncated.safetensors"
    truncated.write_bytes(tiny_model.read_bytes()[:5000])
    assert_user_error(run("sample", truncated), "truncated.safetensors")
    assert_user_error(run("sample", tiny_model, "--temperature", "0"), "temperature")
    assert_user_error(run("eval", tiny_model, tmp_path / "missing.txt"), "missing.txt")


def test_nan_loss_stops_with_the_last_good_checkpoint(tmp_path, corpus):
    out = tmp_path / "diverge.safetensors"
    args = ["train", "text", corpus, "--size", "s", "--batch", "8", "--window", "32", "--out", out]
    run(*args, "--epochs", "1", check=True)
    good = out.read_bytes()
    # A learning rate that overflows the weights: the run must stop and keep the good model.
    result = run(*args, "--epochs", "2", "--resume", out, "--lr", "1e38", "--clip", "0", "--validate-every", "1")
    assert_user_error(result, "NaN", "last good checkpoint", str(out))
    assert out.read_bytes() == good
