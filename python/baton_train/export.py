"""`export`: any PyTorch `Embedding? → LSTM → Linear` state_dict that fits Baton, as a
Baton model file. Wrapper prefixes (`module.` from DistributedDataParallel, `_orig_mod.`
from torch.compile) are removed; the LSTM, embedding and head are found by shape (or
named with --lstm / --embed / --head); what Baton cannot run is refused by name:
projections (`proj_size`, `weight_hr_l{k}`), bidirectional layers (`*_reverse`), gated
units with other than four gates (GRU: 3H), heads of the wrong width, extra layers.
"""
import os
import re
from collections import OrderedDict

import torch

from .config import BYTE_VOCABULARY, ModelConfig, default_colour
from .errors import ModelFileError, UsageError
from .modelfile import Normalisation, parse_normalisation, save_model

WRAPPERS = re.compile(r"(^|\.)(module|_orig_mod)\.")


def read_state_dict(path: str) -> "OrderedDict[str, torch.Tensor]":
    """A state_dict from `.safetensors`, or `.pt`/`.pth`/`.bin` (torch.save; loaded with
    weights_only, so no code runs). A checkpoint dict holding `state_dict` or `model` is opened."""
    if not os.path.isfile(path):
        raise ModelFileError(f"cannot read {path}: no such file", "check the path")
    try:
        if path.endswith(".safetensors"):
            from safetensors.torch import load_file
            state = load_file(path)
        else:
            state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:
        raise ModelFileError(f"cannot read {path} as a state_dict ({str(error).splitlines()[0][:160]})",
                             "save it with torch.save(model.state_dict(), path) or safetensors.torch.save_file") from None
    for key in ("state_dict", "model", "model_state_dict"):
        if isinstance(state, dict) and isinstance(state.get(key), dict):
            state = state[key]
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ModelFileError(f"{path} does not hold a state_dict of tensors", "save model.state_dict(), not the model object")
    return OrderedDict((strip_wrappers(k), v) for k, v in state.items())


def strip_wrappers(name: str) -> str:
    while True:
        stripped = WRAPPERS.sub(lambda m: m.group(1), name)
        if stripped == name:
            return name
        name = stripped


def find_lstm(state, prefix=None):
    """(prefix, layers, units, input width) of the one LSTM in `state`."""
    prefixes = sorted({k[:-len("weight_ih_l0")] for k in state if k.endswith("weight_ih_l0")})
    if prefix is not None:
        prefix = prefix if prefix == "" or prefix.endswith(".") else prefix + "."
        if prefix not in prefixes:
            raise ModelFileError(f"no LSTM at '{prefix}' (found {', '.join(p or '<top>' for p in prefixes) or 'none'})",
                                 "name the LSTM's attribute with --lstm")
        prefixes = [prefix]
    if not prefixes:
        raise ModelFileError("the state_dict has no recurrent layer (no tensor named *weight_ih_l0)",
                             "export an nn.LSTM state_dict")
    if len(prefixes) > 1:
        raise ModelFileError(f"the state_dict has {len(prefixes)} recurrent layers: {', '.join(p or '<top>' for p in prefixes)}",
                             "Baton runs one LSTM stack; pick one with --lstm")
    p = prefixes[0]
    for name in state:
        if name.startswith(p) and re.search(r"weight_hr_l\d+$", name):
            raise ModelFileError(f"{name}: an LSTM with proj_size (projected hidden state) cannot run in Baton",
                                 "train without proj_size")
        if name.startswith(p) and name.endswith("_reverse"):
            raise ModelFileError(f"{name}: a bidirectional LSTM cannot run in Baton (it reads the future)",
                                 "train with bidirectional=False")
    hh = state.get(p + "weight_hh_l0")
    if hh is None or hh.dim() != 2:
        raise ModelFileError(f"{p}weight_hh_l0 is missing", "export an nn.LSTM state_dict")
    units = hh.shape[1]
    if hh.shape[0] != 4 * units:
        gates = hh.shape[0] / units
        raise ModelFileError(f"{p}weight_hh_l0 has shape {list(hh.shape)}: {gates:g} gates, an LSTM has 4 (a GRU has 3)",
                             "only LSTMs run in Baton")
    layers = 0
    while p + f"weight_ih_l{layers}" in state:
        ih, hk = state[p + f"weight_ih_l{layers}"], state.get(p + f"weight_hh_l{layers}")
        if hk is None or list(hk.shape) != [4 * units, units] or ih.dim() != 2 or ih.shape[0] != 4 * units \
                or (layers > 0 and ih.shape[1] != units):
            raise ModelFileError(f"{p}weight_ih_l{layers}/weight_hh_l{layers} do not fit an LSTM of {units} units "
                                 f"(shapes {list(ih.shape)}, {list(hk.shape) if hk is not None else None})",
                                 "every layer of a Baton LSTM has the same width")
        layers += 1
    return p, layers, units, state[p + "weight_ih_l0"].shape[1]


def pick_linear(state, used, rows=None, columns=None, prefix=None, what="head"):
    """The one `X.weight` (2-D) not yet used whose shape fits, and its `X.bias` if any."""
    if prefix is not None:
        prefix = prefix[:-1] if prefix.endswith(".") else prefix
        name = prefix + ".weight"
        if name not in state:
            raise ModelFileError(f"no tensor '{name}' for the {what}", f"name the {what}'s attribute with --{'head' if what == 'head' else 'embed'}")
        candidates = [name]
    else:
        candidates = [k for k, v in state.items() if k.endswith("weight") and k not in used and v.dim() == 2
                      and (rows is None or v.shape[0] == rows) and (columns is None or v.shape[1] == columns)]
    if len(candidates) != 1:
        found = ", ".join(f"{k} {list(state[k].shape)}" for k in candidates) or "none"
        raise ModelFileError(f"cannot tell which tensor is the {what} (candidates: {found})",
                             f"name it with --{'head' if what == 'head' else 'embed'}")
    return candidates[0]


def export(args):
    state = read_state_dict(args.state_dict)
    p, layers, units, width = find_lstm(state, args.lstm)
    used = {k for k in state if k.startswith(p) and re.search(r"(weight|bias)_(ih|hh)_l\d+$", k[len(p):])}
    out = OrderedDict()
    embedding = None
    if (args.kind == "text" and width != BYTE_VOCABULARY) or args.embed:
        name = pick_linear(state, used, rows=BYTE_VOCABULARY, columns=width, prefix=args.embed, what="embedding")
        e = state[name]
        if list(e.shape) != [BYTE_VOCABULARY, width]:
            raise ModelFileError(f"{name} has shape {list(e.shape)}; a Baton text embedding is [256, {width}]",
                                 "text models read UTF-8 bytes (256 symbols)")
        embedding = width
        out["embed.weight"] = e
        used.add(name)
    head_name = pick_linear(state, used, columns=units, prefix=args.head, what="head")
    head = state[head_name]
    used.add(head_name)
    head_bias_name = head_name[:-len("weight")] + "bias"
    head_bias = state.get(head_bias_name)
    if head_bias is not None:
        used.add(head_bias_name)
    outputs = head.shape[0]
    config = config_for(args, width if embedding is None else BYTE_VOCABULARY, layers, units, embedding, outputs, head_name)
    leftovers = [k for k in state if k not in used]
    if leftovers and not args.allow_unused:
        raise ModelFileError(f"tensors Baton would not use: {', '.join(leftovers[:8])}{' …' if len(leftovers) > 8 else ''}",
                             "Baton runs Embedding → LSTM → Linear only; pass --allow-unused if these take no part in the forward pass")
    for k in range(layers):
        for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            tensor = state.get(f"{p}{kind}_l{k}")
            out[f"lstm.{kind}_l{k}"] = tensor if tensor is not None else torch.zeros(4 * units)  # bias=False is a zero bias
    out["head.weight"] = head
    out["head.bias"] = head_bias if head_bias is not None else torch.zeros(outputs)
    for name, tensor in out.items():
        if not torch.is_floating_point(tensor) or not torch.isfinite(tensor.float()).all():
            raise ModelFileError(f"{name} is not a finite floating-point tensor", "export trained float weights")
    normalisation = None
    if args.normalisation:
        normalisation = parse_normalisation(args.normalisation, config.input_size, "--normalisation")
    elif config.kind != "text":
        normalisation = Normalisation.identity(config.input_size)
    stem = os.path.splitext(os.path.basename(args.state_dict))[0]
    name = args.name or stem
    metadata = {"name": name, "colour": args.colour or default_colour(name), "corpus": args.corpus or "",
                "exported_from": os.path.basename(args.state_dict)}
    if config.kind == "strokes":
        metadata.update(y_axis="down", data_y_axis="down")
    metadata = {k: v for k, v in metadata.items() if v}
    save_model(args.out, config, {k: v.float() for k, v in out.items()}, metadata, normalisation, args.dtype)
    return config, sorted(used)


def config_for(args, input_size, layers, units, embedding, outputs, head_name) -> ModelConfig:
    if args.kind == "text":
        if outputs != BYTE_VOCABULARY:
            raise ModelFileError(f"{head_name} has {outputs} outputs; a Baton text model predicts 256 bytes", "export a byte-level model")
        return ModelConfig("text", BYTE_VOCABULARY, layers, units, embedding)
    if embedding:
        raise UsageError(f"a {args.kind} model has no embedding", "drop --embed")
    if args.kind == "control":
        d = input_size
        if outputs % (2 * d + 1) != 0:
            raise ModelFileError(f"{head_name} has {outputs} outputs, not 2·K·D + K for D = {d}",
                                 "a control head emits [μ (K·D) | σ-pre (K·D) | π logits (K)]")
        k = outputs // (2 * d + 1)
        if args.mixtures and args.mixtures != k:
            raise ModelFileError(f"{head_name} has {outputs} outputs: {k} mixtures for D = {d}, not {args.mixtures}", "check --mixtures")
        return ModelConfig("control", d, layers, units, mixtures=k, sigma=args.sigma)
    if input_size != 3 or outputs % 6 != 1:
        raise ModelFileError(f"a stroke model reads (dx, dy, pen) and outputs 6·K + 1 values; this one reads {input_size} and outputs {outputs}",
                             "the head emits [μ (K·2) | σ-pre (K·2) | ρ-pre (K) | π logits (K) | pen logit]")
    return ModelConfig("strokes", 3, layers, units, mixtures=(outputs - 1) // 6, sigma="exp")
