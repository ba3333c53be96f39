"""Baton's model file: one `.safetensors` with PyTorch state_dict names and the
configuration in `__metadata__` (string → string, nested values as JSON strings).
docs/formats.md is the reference; this module reads and writes exactly that.
"""
import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import numpy as np
import torch
from safetensors import safe_open
from safetensors.torch import save as safetensors_bytes

from .config import ARCHITECTURE_KEYS, BYTE_VOCABULARY, ModelConfig
from .errors import ModelFileError

DTYPES = {"f32": torch.float32, "f16": torch.float16, "bf16": torch.bfloat16}
DTYPE_NAMES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}


def float32_json(values) -> str:
    """A JSON array of float32 values in their shortest round-trip form (as Swift writes them)."""
    return "[" + ",".join(str(np.float32(v)) for v in values) + "]"


@dataclass
class Normalisation:
    """model units = (data − offset) / scale, per input dimension."""
    offset: List[float]
    scale: List[float]

    def to_json(self) -> str:
        return '{"offset":' + float32_json(self.offset) + ',"scale":' + float32_json(self.scale) + "}"

    @staticmethod
    def identity(dims: int) -> "Normalisation":
        return Normalisation([0.0] * dims, [1.0] * dims)


@dataclass
class ModelFile:
    """What a model file holds: architecture, float32 tensors by name, normalisation and
    the remaining (non-architecture) metadata."""
    config: ModelConfig
    state: Dict[str, torch.Tensor]
    normalisation: Optional[Normalisation] = None
    metadata: Dict[str, str] = field(default_factory=dict)
    stored_dtype: str = "F32"
    extra: Dict[str, torch.Tensor] = field(default_factory=dict)


def write_atomically(data: bytes, path: str):
    """Temporary file in the same folder, fsync, rename: a crash keeps the previous file."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(prefix=".baton-", suffix=".tmp", dir=folder)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp makes 0600; a model is an ordinary file
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def file_metadata(config: ModelConfig, metadata: Dict[str, str], normalisation: Optional[Normalisation]) -> Dict[str, str]:
    """Provenance plus the architecture keys, as Baton's Model.fileMetadata."""
    m = {k: str(v) for k, v in metadata.items() if k not in ARCHITECTURE_KEYS}
    m.update(config.architecture_metadata())
    if normalisation is not None:
        m["normalisation"] = normalisation.to_json()
    return m


def encode_model(config: ModelConfig, state: Dict[str, torch.Tensor], metadata: Dict[str, str],
                 normalisation: Optional[Normalisation] = None, dtype: str = "f32",
                 extra: Optional[Dict[str, torch.Tensor]] = None, extra_metadata: Optional[Dict[str, str]] = None) -> bytes:
    """Safetensors bytes: exactly the layout's tensors (as `dtype`), plus `extra` float32
    tensors (optimiser moments in a checkpoint)."""
    expected = [name for name, _ in config.parameter_names()]
    missing = [n for n in expected if n not in state]
    unexpected = [n for n in state if n not in expected]
    if missing or unexpected:
        raise ModelFileError(f"the state_dict does not match {config.describe()}: missing {missing}, unexpected {unexpected}",
                             "save the BatonLSTM module itself (not a wrapper) or use `baton_train export`")
    tensors = {}
    for name, shape in config.parameter_names():
        t = state[name].detach()
        if tuple(t.shape) != tuple(shape):
            raise ModelFileError(f"tensor {name} has shape {list(t.shape)}, expected {list(shape)}", "check the architecture")
        tensors[name] = t.to(device="cpu", dtype=DTYPES[dtype]).contiguous()
    for name, t in (extra or {}).items():
        tensors[name] = t.detach().to(device="cpu", dtype=torch.float32).contiguous()
    m = file_metadata(config, metadata, normalisation)
    m.update(extra_metadata or {})
    return safetensors_bytes(tensors, metadata=m)


def save_model(path: str, config: ModelConfig, state: Dict[str, torch.Tensor], metadata: Dict[str, str],
               normalisation: Optional[Normalisation] = None, dtype: str = "f32"):
    write_atomically(encode_model(config, state, metadata, normalisation, dtype), path)


def load_model(path: str) -> ModelFile:
    """Reads a Baton model (or a metadata-less PyTorch text state_dict), inferring the
    architecture from the shapes as Baton does, and checking every tensor."""
    if not os.path.isfile(path):
        raise ModelFileError(f"cannot read {path}: no such file", "check the path")
    try:
        with safe_open(path, framework="pt") as f:
            metadata = dict(f.metadata() or {})
            tensors = {name: f.get_tensor(name) for name in f.keys()}
    except Exception as error:  # safetensors raises its own error types for corrupt files
        raise ModelFileError(f"{path} is not a safetensors file ({str(error).splitlines()[0][:200]})",
                             "give a .safetensors model written by Baton or baton_train") from None
    config = infer_config(tensors, metadata, path)
    state, stored = {}, set()
    for name, shape in config.parameter_names():
        if name not in tensors:
            raise ModelFileError(f"{path} has no tensor '{name}'", "the file is incomplete or not a Baton model")
        t = tensors[name]
        if tuple(t.shape) != tuple(shape):
            raise ModelFileError(f"{path}: tensor '{name}' has shape {list(t.shape)}, expected {list(shape)}",
                                 "the file does not match its own architecture")
        if t.dtype not in DTYPE_NAMES:
            raise ModelFileError(f"{path}: tensor '{name}' has dtype {t.dtype}", "Baton reads F32, F16 and BF16")
        stored.add(DTYPE_NAMES[t.dtype])
        state[name] = t.to(torch.float32)
        if not torch.isfinite(state[name]).all():
            raise ModelFileError(f"{path}: tensor '{name}' holds NaN or infinity", "use an earlier checkpoint")
    normalisation = None
    if "normalisation" in metadata:
        normalisation = parse_normalisation(metadata["normalisation"], config.input_size, path)
    provenance = {k: v for k, v in metadata.items() if k not in ARCHITECTURE_KEYS}
    names = {n for n, _ in config.parameter_names()}
    extra = {n: t for n, t in tensors.items() if n not in names}
    return ModelFile(config, state, normalisation, provenance, stored.pop() if len(stored) == 1 else "F32", extra)


def parse_normalisation(text: str, dims: int, path: str) -> Normalisation:
    try:
        value = json.loads(text)
        offset, scale = [float(v) for v in value["offset"]], [float(v) for v in value["scale"]]
    except (ValueError, KeyError, TypeError):
        raise ModelFileError(f"{path}: metadata 'normalisation' is not {{\"offset\": [...], \"scale\": [...]}}: {text[:120]}",
                             "repair or remove the key") from None
    if len(offset) != dims or len(scale) != dims or not all(math.isfinite(v) for v in offset) \
            or not all(math.isfinite(v) and v != 0 for v in scale):
        raise ModelFileError(f"{path}: metadata 'normalisation' does not fit {dims} input dimensions: {text[:120]}",
                             "repair or remove the key")
    return Normalisation(offset, scale)


def _positive_int(metadata, key, path):
    if key not in metadata:
        return None
    try:
        value = int(metadata[key])
    except ValueError:
        value = 0
    if value <= 0:
        raise ModelFileError(f"{path}: metadata '{key}' = '{metadata[key]}' is not a positive integer", "repair or remove the key")
    return value


def infer_config(tensors, metadata, path) -> ModelConfig:
    """Baton's Model.inferConfig: layers from `lstm.weight_ih_l{k}`, units from
    `weight_hh_l0` `[4H, H]`, input from `weight_ih_l0` or `embed.weight`, outputs from
    `head.weight`; kind from metadata (or 256 in, 256 out: text)."""
    def shape(name):
        if name not in tensors:
            raise ModelFileError(f"{path} has no tensor '{name}'", "the file is incomplete or not a Baton model")
        return list(tensors[name].shape)

    layers = 0
    while f"lstm.weight_ih_l{layers}" in tensors:
        layers += 1
    if layers == 0:
        found = ", ".join(sorted(tensors)[:6])
        raise ModelFileError(f"{path} is not an LSTM model: no tensor lstm.weight_ih_l0 (found {found})",
                             "for another state_dict, use `python -m baton_train export`")
    hh = shape("lstm.weight_hh_l0")
    if len(hh) != 2 or hh[1] <= 0 or hh[0] != 4 * hh[1]:
        raise ModelFileError(f"{path}: lstm.weight_hh_l0 has shape {hh}, expected [4H, H]", "only LSTMs (4 gates) run in Baton")
    units = hh[1]
    ih = shape("lstm.weight_ih_l0")
    input_size, embedding = ih[1], None
    if "embed.weight" in tensors:
        e = shape("embed.weight")
        if len(e) != 2 or e[1] != ih[1]:
            raise ModelFileError(f"{path}: embed.weight has shape {e}, expected [256, {ih[1]}]", "check the embedding width")
        input_size, embedding = e[0], e[1]
    head = shape("head.weight")
    if len(head) != 2 or head[1] != units:
        raise ModelFileError(f"{path}: head.weight has shape {head}, expected [O, {units}]", "check the head")
    outputs = head[0]
    kind = metadata.get("kind")
    if kind is None:
        if input_size == BYTE_VOCABULARY and outputs == BYTE_VOCABULARY:
            kind = "text"
        else:
            raise ModelFileError(f"{path}: input {input_size} and output {outputs} are not a 256-byte text model, and metadata 'kind' is missing",
                                 "add metadata kind = control or strokes")
    if kind == "text":
        if input_size != BYTE_VOCABULARY or outputs != BYTE_VOCABULARY:
            raise ModelFileError(f"{path}: a text model reads and predicts 256 UTF-8 byte values; this one has input {input_size}, output {outputs}",
                                 "check the file")
        return ModelConfig("text", input_size, layers, units, embedding)
    if kind == "control":
        if embedding:
            raise ModelFileError(f"{path}: a control model has no embedding", "remove embed.weight")
        dims = _positive_int(metadata, "dims", path) or input_size
        mixtures = _positive_int(metadata, "mixtures", path) or (outputs // (2 * dims + 1) if outputs % (2 * dims + 1) == 0 else 0)
        if dims != input_size or mixtures <= 0 or outputs != 2 * mixtures * dims + mixtures:
            raise ModelFileError(f"{path}: head output {outputs} is not 2·K·D + K for D = {dims}", "check dims and mixtures")
        sigma = metadata.get("sigma", "elu")
        if sigma not in ("elu", "exp"):
            raise ModelFileError(f"{path}: metadata 'sigma' = '{sigma}'", "use elu or exp")
        return ModelConfig("control", input_size, layers, units, mixtures=mixtures, sigma=sigma)
    if kind == "strokes":
        if input_size != 3 or embedding or outputs % 6 != 1:
            raise ModelFileError(f"{path}: a stroke model reads (dx, dy, pen) and outputs 6·K + 1 values; this one has input {input_size}, output {outputs}",
                                 "check the file")
        return ModelConfig("strokes", 3, layers, units, mixtures=(outputs - 1) // 6, sigma="exp")
    raise ModelFileError(f"{path}: metadata 'kind' = '{kind}'", "use text, control or strokes")
