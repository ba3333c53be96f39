"""Files that must not hurt: a zip bomb posing as an npz, truncated and tampered models and
checkpoints, a CSV full of NaN, broken IMPSY imports, nonsense options. Each is one `error:`
line and a non-zero exit, within seconds and in bounded memory (peak RSS of the process)."""
import struct
import subprocess

import numpy as np

from conftest import assert_user_error, run
from files import measured, read_safetensors, safetensors_bytes, text_model, zip_bomb

SECONDS = 10      # "within seconds": generous for a loaded CI machine
PEAK_MIB = 100    # a release baton idles at ~32 MiB; inflating the bomb would take 1 GiB


def assert_contained(result, *needles, seconds=SECONDS, peak=PEAK_MIB):
    code, stderr, elapsed, rss = result
    assert_user_error(subprocess.CompletedProcess([], code, "", stderr), *needles)
    assert len([l for l in stderr.splitlines() if l.lower().startswith("error:")]) == 1, stderr
    assert elapsed < seconds, f"{elapsed:.1f} s"
    assert rss < peak, f"peak RSS {rss:.0f} MiB"
    print(f"{needles[0] if needles else ''}: {elapsed:.2f} s, peak RSS {rss:.0f} MiB")


def test_zip_bomb_posing_as_npz(tmp_path):
    out = tmp_path / "m.safetensors"
    # 1 GiB of zeros behind an npy header that declares 10×2 floats: ~1 MB on disk.
    bomb = tmp_path / "bomb.npz"
    zip_bomb(bomb, 1 << 30, (10, 2))
    assert bomb.stat().st_size < 2_000_000
    assert_contained(measured("train", "control", bomb, "--out", out), "bomb.npz", "inflates past")
    # The zip directory understates the size: inflation stops there, whatever the npy header says.
    liar = tmp_path / "liar.npz"
    zip_bomb(liar, 1 << 30, ((1 << 30) // 8 - 20, 2), declared_size=4096)
    assert_contained(measured("train", "control", liar, "--out", out), "liar.npz", "inflates past 4096 bytes")
    # A header that declares more than an array may hold is refused before inflating anything.
    huge = tmp_path / "huge.npz"
    zip_bomb(huge, 1 << 20, (1 << 40, 3))
    assert_contained(measured("train", "control", huge, "--out", out), "huge.npz", "more than")
    assert not out.exists()


def test_truncated_and_tampered_models(tmp_path, tiny_model):
    good = tiny_model.read_bytes()
    truncated = tmp_path / "truncated.safetensors"
    truncated.write_bytes(good[: len(good) // 2])
    for command in (["info"], ["sample"]):
        assert_contained(measured(*command, truncated), "truncated.safetensors")
    tensors = text_model(1, 4)
    cases = {
        "duplicate": (safetensors_bytes(tensors).replace(b'"head.bias"', b'"head.weight"', 1), "appears twice"),
        "overlap": (safetensors_bytes({**tensors, "head.bias": ("F32", [256], [0, 1024])}), "share bytes"),
        "fraction": (safetensors_bytes({**tensors, "head.bias": ("F32", [256], [0, 1024.5])}), "data_offsets"),
        "huge-shape": (safetensors_bytes({**tensors, "head.bias": ("F32", [2147483647, 2147483647, 2147483647], [0, 4])}), "needs more than"),
        "nan": (safetensors_bytes({**tensors, "head.bias": np.full(256, np.nan, dtype="<f4")}), "NaN"),
    }
    for name, (data, needle) in cases.items():
        path = tmp_path / f"{name}.safetensors"
        path.write_bytes(data)
        assert_contained(measured("info", path), f"{name}.safetensors", needle)
    # A header length of 2⁶³: refused from the first 8 bytes, nothing allocated for it.
    lying = tmp_path / "lying.safetensors"
    lying.write_bytes(struct.pack("<Q", 1 << 63) + good[8:])
    assert_contained(measured("sample", lying), "lying.safetensors", "header length")
    assert_contained(measured("info", "/dev/zero"), "/dev/zero", "not a regular file")


def test_tampered_checkpoint_is_refused_before_resuming(tmp_path, corpus):
    out = tmp_path / "r.safetensors"
    args = ["train", "text", corpus, "--size", "s", "--units", "16", "--batch", "8", "--window", "32", "--out", out]
    run(*args, "--epochs", "1", check=True)
    state = tmp_path / "r.state.safetensors"
    tensors, metadata = read_safetensors(state)
    # Issue 10: without its first moment, Adam's moment array used to load empty and be written past.
    del tensors["optimizer.first_moment"]
    state.write_bytes(safetensors_bytes(tensors, metadata))
    assert_contained(measured(*args, "--epochs", "2", "--resume", out), "r.state.safetensors", "optimizer.first_moment")
    tensors, metadata = read_safetensors(state)
    tensors["optimizer.first_moment"] = np.zeros(7, dtype="<f4")
    state.write_bytes(safetensors_bytes(tensors, metadata))
    assert_contained(measured(*args, "--epochs", "2", "--resume", out), "optimizer.first_moment", "has shape [7]")
    state.write_bytes(state.read_bytes()[:-100])
    assert_contained(measured(*args, "--epochs", "2", "--resume", out), "r.state.safetensors", "truncated")
    # A state file of another architecture beside the model is stale: refused, not trained on.
    other = tmp_path / "other.safetensors"
    run("train", "text", corpus, "--size", "s", "--units", "8", "--batch", "8", "--window", "32", "--epochs", "1", "--out", other, check=True)
    run(*args, "--epochs", "1", check=True)
    (tmp_path / "other.state.safetensors").write_bytes(state.read_bytes())
    assert_contained(measured(*args[:-1], other, "--epochs", "2", "--resume", other), "other.state.safetensors", "LSTM 1×16", "LSTM 1×8")


def test_csv_full_of_nan(tmp_path):
    nan = tmp_path / "nan.csv"
    with nan.open("w") as f:
        f.write("dt,x1,x2\n")
        f.write("nan,nan,nan\n" * 2_000_000)
    assert nan.stat().st_size > 20_000_000
    assert_contained(measured("train", "control", nan, "--out", tmp_path / "m.safetensors"), "nan.csv", "row 2, column 1", "'nan'")
    long_line = tmp_path / "line.csv"
    long_line.write_text("dt,x\n" + "1" * 10_000_000 + "\n")
    assert_contained(measured("train", "control", long_line, "--out", tmp_path / "m.safetensors"), "line.csv", "row 2", "a line of")


def test_broken_impsy_models(tmp_path):
    import h5py

    def keras2(path, units, dims, mixtures, kernel=None, recurrent=None):
        with h5py.File(path, "w") as f:
            f["lstm0/lstm0/kernel:0"] = np.zeros(kernel or (dims, 4 * units), dtype="f4")
            f["lstm0/lstm0/recurrent_kernel:0"] = np.zeros(recurrent or (units, 4 * units), dtype="f4")
            f["lstm0/lstm0/bias:0"] = np.zeros(4 * units, dtype="f4")
            for part, width in (("mus", mixtures * dims), ("sigmas", mixtures * dims), ("pis", mixtures)):
                f[f"mdn/{part}/kernel:0"] = np.zeros((units, width), dtype="f4")
                f[f"mdn/{part}/bias:0"] = np.zeros(width, dtype="f4")

    out = tmp_path / "m.safetensors"
    good = tmp_path / "good.h5"
    keras2(good, 4, 2, 3)
    run("import", "impsy", good, "--out", out, check=True)
    for name, kwargs, needle in [("zero-units", dict(units=0, dims=2, mixtures=3), "recurrent kernel"),
                                 ("zero-dims", dict(units=4, dims=0, mixtures=3), "kernel"),
                                 ("zero-mixtures", dict(units=4, dims=2, mixtures=0), "pi kernel"),
                                 ("disagreeing", dict(units=4, dims=2, mixtures=3, kernel=(2, 17)), "kernel")]:
        path = tmp_path / f"{name}.h5"
        keras2(path, **kwargs)
        assert_contained(measured("import", "impsy", path, "--out", out), f"{name}.h5", needle)
    assert_contained(measured("import", "impsy", good, "--out", out, "--scale-factor", "0"), "good.h5", "scale factor")


def test_nonsense_training_options(tmp_path, corpus):
    out = tmp_path / "m.safetensors"
    for option, needle in [(["--validate-every", "0"], "validate-every = 0"), (["--units", "0"], "units = 0"),
                           (["--batch", "5000"], "batch = 5000"), (["--minutes", "inf"], "minutes = inf"),
                           (["--embedding", "5000"], "embedding = 5000")]:
        assert_contained(measured("train", "text", corpus, "--out", out, *option), needle)
    control = tmp_path / "control.csv"
    control.write_text("dt,x\n" + "0.1,0.5\n0.2,0.25\n" * 50)
    assert_contained(measured("train", "control", control, "--out", out, "--mixtures", "0"), "mixtures = 0")
    assert not out.exists()
