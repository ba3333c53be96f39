#!/usr/bin/env python3
"""Writes the seed corpora in Fuzz/Corpus/<target>/seed-*: small valid inputs made by other
implementations (python-osc, NumPy, the safetensors layout written by hand), so the fuzzers
start from the formats' real shapes. Deterministic; run again after changing it.

Regression inputs (regression-*) are added by hand from crashes the fuzzers found and are
never touched here.
"""
import io
import json
import pathlib
import struct
import zipfile

import numpy as np
from pythonosc.osc_bundle_builder import OscBundleBuilder, IMMEDIATELY
from pythonosc.osc_message_builder import OscMessageBuilder

CORPUS = pathlib.Path(__file__).resolve().parent / "Corpus"
rng = np.random.default_rng(7)


def write(target, name, data):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"seed-{name}").write_bytes(data)


def osc():
    def message(address, *args):
        m = OscMessageBuilder(address=address)
        for kind, value in args:
            m.add_arg(value, kind)
        return m.build()

    write("osc-packet", "float", message("/baton/active", ("f", 1.0)).dgram)
    write("osc-packet", "types", message("/baton/weights", ("i", 3), ("f", 0.5), ("s", "é✓"), ("b", b"\x01\x02\x03"),
                                           ("h", 2**40), ("d", 1e30), ("T", True), ("F", False), ("N", None),
                                           ("r", 0xFF00FF00), ("m", (1, 2, 3, 4))).dgram)
    write("osc-packet", "pattern", message("/baton/{active,rate}/[0-9]*", ("f", float("nan"))).dgram)
    bundle = OscBundleBuilder(IMMEDIATELY)
    bundle.add_content(message("/interface", ("f", 0.1), ("f", 0.2)))
    inner = OscBundleBuilder(IMMEDIATELY)
    inner.add_content(message("/baton/prime", ("s", "ROMEO:")))
    bundle.add_content(inner.build())
    write("osc-packet", "bundle", bundle.build().dgram)


def npy_bytes(array, fortran=False):
    buffer = io.BytesIO()
    np.save(buffer, np.asfortranarray(array) if fortran else array)
    return buffer.getvalue()


def npz_bytes(compress, **arrays):
    buffer = io.BytesIO()
    (np.savez_compressed if compress else np.savez)(buffer, **arrays)
    return buffer.getvalue()


def npy_npz():
    write("npy-npz", "f4-2d.npy", npy_bytes(rng.standard_normal((3, 4)).astype("<f4")))
    write("npy-npz", "i2-fortran.npy", npy_bytes(np.arange(12, dtype="<i2").reshape(3, 4), fortran=True))
    write("npy-npz", "f8-big-endian.npy", npy_bytes(np.array([1.5, -2.0, 1e300], dtype=">f8")))
    write("npy-npz", "u1.npy", npy_bytes(np.array([0, 255, 7], dtype="u1")))
    write("npy-npz", "bool.npy", npy_bytes(np.array([True, False])))
    write("npy-npz", "f2-scalar.npy", npy_bytes(np.array(3.25, dtype="<f2")))
    data = rng.standard_normal((7, 3)).astype("<f4")
    write("npy-npz", "sequences.npz", npz_bytes(False, data=data, lengths=np.array([3, 4], dtype="<i4")))
    write("npy-npz", "splits-deflated.npz", npz_bytes(True, train_data=data[:5].astype("<i2"), train_lengths=np.array([2, 3]),
                                                      valid_data=data[5:], valid_lengths=np.array([2], dtype="<i8")))
    write("npy-npz", "pickled.npz", npz_bytes(False, data=np.array([None, 1], dtype=object)))


def safetensors(tensors, metadata=None, dtype="F32"):
    """tensors: name -> float array; stored little-endian as dtype (F32, F16 or BF16)."""
    header, data = {}, b""
    for name, array in tensors.items():
        array = np.asarray(array, dtype=np.float32)
        if dtype == "F32":
            raw = array.astype("<f4").tobytes()
        elif dtype == "F16":
            raw = array.astype("<f2").tobytes()
        else:
            raw = (array.astype("<f4").view("<u4") >> 16).astype("<u2").tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def lstm(inputs, units, outputs, layers=1, embedding=None):
    tensors = {}
    if embedding:
        tensors["embed.weight"] = rng.uniform(-1, 1, (inputs, embedding))
    for k in range(layers):
        width = (embedding or inputs) if k == 0 else units
        tensors[f"lstm.weight_ih_l{k}"] = rng.uniform(-0.5, 0.5, (4 * units, width))
        tensors[f"lstm.weight_hh_l{k}"] = rng.uniform(-0.5, 0.5, (4 * units, units))
        tensors[f"lstm.bias_ih_l{k}"] = rng.uniform(-0.5, 0.5, (4 * units,))
        tensors[f"lstm.bias_hh_l{k}"] = rng.uniform(-0.5, 0.5, (4 * units,))
    tensors["head.weight"] = rng.uniform(-0.5, 0.5, (outputs, units))
    tensors["head.bias"] = rng.uniform(-0.5, 0.5, (outputs,))
    return tensors


CONTROL = {"kind": "control", "dims": "2", "mixtures": "1", "sigma": "elu",
           "normalisation": json.dumps({"offset": [0, 0.5], "scale": [1, 0.25]}), "split_pause": "5",
           "value_range": json.dumps({"min": [0, 0], "max": [2, 1]}), "name": "seed"}


def models():
    write("safetensors-model", "text-embedding.safetensors", safetensors(lstm(256, 2, 256, embedding=2), {"kind": "text", "name": "é"}))
    write("safetensors-model", "control.safetensors", safetensors(lstm(2, 2, 5, layers=2), CONTROL))
    write("safetensors-model", "control-f16.safetensors", safetensors(lstm(2, 2, 5), CONTROL, dtype="F16"))
    write("safetensors-model", "strokes-bf16.safetensors", safetensors(lstm(3, 2, 7), {"kind": "strokes", "sigma": "exp"}, dtype="BF16"))
    write("safetensors-model", "control-no-metadata.safetensors", safetensors(lstm(2, 2, 5), {"kind": "control"}))


def checkpoints():
    for optimizer in ("adam", "rmsprop"):
        tensors = lstm(2, 2, 5)
        n = sum(np.asarray(t).size for t in tensors.values())
        if optimizer == "adam":
            tensors["optimizer.first_moment"] = rng.uniform(-1e-3, 1e-3, (n,))
        tensors["optimizer.second_moment"] = rng.uniform(0, 1e-6, (n,))
        position = {"epoch": 1, "batch": 3, "step": 40, "learningRate": 0.002, "bestValidation": 1.25, "lastValidation": 1.3,
                    "validationsWithoutImprovement": 1, "seconds": 12.5, "savedModel": True}
        metadata = dict(CONTROL, optimizer=optimizer, training_state=json.dumps(position))
        write("checkpoint-resume", f"{optimizer}.state.safetensors", safetensors(tensors, metadata))
    write("checkpoint-resume", "metrics.csv", b"step,epoch,seconds,train_nll,validation_nll,learning_rate\n"
          b"10,0.5000,1.0,2.10000,,0.002\n20,1.0000,2.1,1.90000,1.95000,0.002\n")


def logs():
    write("session-logs", "events.csv", b"\x00dt,x1,x2\n0.0,0.5,0.5\n0.02,0.55,0.48\n0.03,0.6,0.4\n9.0,0.1,0.9\n0.01,0.2,0.8\n")
    write("session-logs", "session.log", b"\x01" + b"".join(
        f"2026-11-24T10:00:{10 + i * 0.05:09.6f},{'interface' if i % 3 else 'rnn'},{0.5 + i / 100:.4f},{0.25:.4f}\n".encode()
        for i in range(12)) + b"2026-11-24 10:00:12.5+01:00,interface,0.1,0.2\r\n")


def prime_texts():
    for name, text in [("ascii", b"ROMEO:\nBut soft, what light"), ("french", "Les Fleurs du mal — à l'été".encode()),
                       ("emoji", "🎻♩ 漢字".encode()), ("open-character", "na\u00efve".encode()[:3]),
                       ("invalid", b"\xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xff\x80 ok")]:
        write("utf8-prime", name, text)


def live_commands():
    """First byte 0: an OSC packet; 1: a JSON body (Fuzz/Targets/live-commands)."""
    def message(address, *args):
        builder = OscMessageBuilder(address=address)
        for kind, value in args:
            builder.add_arg(value, kind)
        return builder.build().dgram

    write("live-commands", "osc-weights", b"\x00" + message("/baton/weights", ("f", 0.5), ("f", 0.25)))
    write("live-commands", "osc-interface", b"\x00" + message("/interface", ("f", 0.5), ("f", 0.25), ("f", 0.75)))
    write("live-commands", "osc-pattern", b"\x00" + message("/baton/{rate,temperature}", ("f", 1e30)))
    write("live-commands", "osc-prime", b"\x00" + message("/baton/prime", ("s", "ROMEO:")))
    write("live-commands", "osc-lookahead", b"\x00" + message("/baton/lookahead", ("i", 2147483647), ("i", 4)))
    write("live-commands", "osc-timescale", b"\x00" + message("/baton/instrument/timescale", ("d", 1e-300)))
    write("live-commands", "osc-feed", b"\x00" + message("/baton/feed", ("s", "Call me Ishmael.")))
    write("live-commands", "osc-adapt", b"\x00" + message("/baton/adapt", ("i", 1), ("i", 1)))
    write("live-commands", "osc-adapt-rate", b"\x00" + message("/baton/adapt-rate", ("s", "Austen"), ("f", 0.0003)))
    write("live-commands", "osc-adapt-save", b"\x00" + message("/baton/adapt-save", ("i", 0)))
    for name, body in [("json-weight", {"type": "weight", "model": 1, "value": 0.5}),
                       ("json-rate", {"type": "rate", "value": 1e-30}),
                       ("json-interface", {"type": "interface", "values": [0.1, 0.2, 0.3]}),
                       ("json-mode", {"type": "mode", "value": "battle"}),
                       ("json-active", {"type": "active", "models": [0, 1]}),
                       ("json-feed", {"type": "feed", "text": "Call me Ishmael."}),
                       ("json-adapt", {"type": "adapt", "model": 1, "on": True}),
                       ("json-adapt-rate", {"type": "adapt-rate", "model": 0, "value": 0.0003}),
                       ("json-adapt-reset", {"type": "adapt-reset", "model": "Austen"})]:
        write("live-commands", name, b"\x01" + json.dumps(body).encode())


if __name__ == "__main__":
    osc()
    npy_npz()
    models()
    checkpoints()
    logs()
    prime_texts()
    live_commands()
