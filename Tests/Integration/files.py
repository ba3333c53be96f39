"""Helpers for the file-safety tests: hostile files written by hand, and runs of the release
binary measured for wall time and peak resident memory."""
import json
import struct
import subprocess
import tempfile
import time
import zlib

import numpy as np

from conftest import BATON


def measured(*args, timeout=120):
    """Runs `baton ARGS` under GNU time; returns (returncode, stderr, seconds, peak RSS in MiB).

    GNU time forks baton from its own small process: the peak is baton's own (a process
    forked from pytest would count pytest's pages from before its exec)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        started = time.monotonic()
        result = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name, str(BATON), *map(str, args)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                text=True, timeout=timeout)
        seconds = time.monotonic() - started
        lines = [l for l in report.read().splitlines() if l.strip()]
    # GNU time notes a non-zero exit on a line of its own; the peak (KiB) is the last line.
    return result.returncode, result.stderr, seconds, int(lines[-1]) / 1024


def npy_header(descr, shape):
    """The preamble of a version-1.0 .npy file."""
    shape_text = f"({shape[0]},)" if len(shape) == 1 else "(" + ", ".join(map(str, shape)) + ")"
    text = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape_text}, }}".encode()
    text += b" " * (-(10 + len(text) + 1) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text


def deflated_zeros(prefix, zeros):
    """Raw deflate of `prefix` followed by `zeros` zero bytes, streamed (never held inflated)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = [compressor.compress(prefix)]
    chunk = bytes(1 << 20)
    for _ in range(zeros >> 20):
        out.append(compressor.compress(chunk))
    out.append(compressor.compress(bytes(zeros & ((1 << 20) - 1))))
    out.append(compressor.flush())
    return b"".join(out)


def zip_with_entry(path, name, deflated, crc, declared_size):
    """A one-entry zip whose headers declare `declared_size` inflated bytes, whatever the data says."""
    name = name.encode()
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(deflated), declared_size, len(name), 0) + name
    central = struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(deflated), declared_size,
                          len(name), 0, 0, 0, 0, 0, 0) + name
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local) + len(deflated), 0)
    path.write_bytes(local + deflated + central + end)


def zip_bomb(path, inflated, header_shape, declared_size=None):
    """An .npz whose data.npy inflates to `inflated` bytes after an npy header of `header_shape` float32."""
    prefix = npy_header("<f4", header_shape)
    zeros = inflated - len(prefix)
    # The CRC covers only the prefix: a reader must stop long before it could check it.
    declared = declared_size if declared_size is not None else min(inflated, 0xFFFFFFFF)
    zip_with_entry(path, "data.npy", deflated_zeros(prefix, zeros), zlib.crc32(prefix), declared)


def safetensors_bytes(tensors, metadata=None):
    """tensors: name -> float32 array, or name -> (dtype, shape, offsets) for a hand-made entry."""
    header, data = {}, b""
    for name, value in tensors.items():
        if isinstance(value, tuple):
            dtype, shape, offsets = value
            header[name] = {"dtype": dtype, "shape": shape, "data_offsets": offsets}
            continue
        raw = np.asarray(value, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(np.shape(value)), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def read_safetensors(path):
    """(tensors as float32 arrays, metadata) of a safetensors file with F32 tensors."""
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(raw[8 + n + begin:8 + n + end], dtype="<f4").reshape(entry["shape"])
    return tensors, metadata


def text_model(layers, units):
    """A PyTorch-layout one-hot text model's tensors, random."""
    rng = np.random.default_rng(1)
    tensors = {}
    for k in range(layers):
        width = 256 if k == 0 else units
        tensors[f"lstm.weight_ih_l{k}"] = rng.uniform(-0.1, 0.1, (4 * units, width)).astype("<f4")
        tensors[f"lstm.weight_hh_l{k}"] = rng.uniform(-0.1, 0.1, (4 * units, units)).astype("<f4")
        tensors[f"lstm.bias_ih_l{k}"] = np.zeros(4 * units, dtype="<f4")
        tensors[f"lstm.bias_hh_l{k}"] = np.zeros(4 * units, dtype="<f4")
    tensors["head.weight"] = rng.uniform(-0.1, 0.1, (256, units)).astype("<f4")
    tensors["head.bias"] = np.zeros(256, dtype="<f4")
    return tensors
