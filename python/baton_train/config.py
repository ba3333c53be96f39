"""Model architecture, size presets and the metadata keys of Baton's model file.

Mirrors Baton's ModelConfig / OutputHead / SizePreset / MetadataKey (docs/formats.md).
Legend: V = 256 bytes, E embedding, H units, K mixtures, D dimensions, O head outputs.
"""
from dataclasses import dataclass
from typing import Optional

from .errors import UsageError

BYTE_VOCABULARY = 256
KINDS = ("text", "control", "strokes")
SIGMAS = ("elu", "exp")

# Metadata keys Baton derives from the architecture and rewrites on every save.
ARCHITECTURE_KEYS = ("format", "kind", "layers", "units", "vocab", "embedding", "dims", "mixtures", "sigma", "normalisation")


@dataclass(frozen=True)
class ModelConfig:
    """kind, input width (256 for text, D for control, 3 for strokes), optional embedding
    width E, LSTM layers × units, and the head (mixtures K, σ transform for control)."""
    kind: str
    input_size: int
    layers: int
    units: int
    embedding: Optional[int] = None
    mixtures: int = 0
    sigma: str = "elu"

    def __post_init__(self):
        if self.kind not in KINDS:
            raise UsageError(f"unknown model kind '{self.kind}'", "use text, control or strokes")
        if self.layers < 1 or self.units < 1 or self.input_size < 1:
            raise UsageError(f"a model needs layers, units and input ≥ 1 (got {self.layers}, {self.units}, {self.input_size})",
                             "check --layers and --units")
        if self.kind != "text" and self.mixtures < 1:
            raise UsageError(f"a {self.kind} model needs ≥ 1 mixture component", "check --mixtures")
        if self.kind == "strokes" and self.input_size != 3:
            raise UsageError(f"a stroke model reads (dx, dy, pen), not {self.input_size} values", "give stroke-3 data")
        if self.sigma not in SIGMAS:
            raise UsageError(f"unknown σ transform '{self.sigma}'", "use elu or exp")

    @property
    def output_size(self) -> int:
        """O: 256 logits, 2KD + K for a diagonal mixture, 6K + 1 for strokes."""
        if self.kind == "text":
            return BYTE_VOCABULARY
        if self.kind == "control":
            return 2 * self.mixtures * self.input_size + self.mixtures
        return 6 * self.mixtures + 1

    @property
    def is_one_hot(self) -> bool:
        return self.kind == "text" and self.embedding is None

    @property
    def sigma_transform(self) -> str:
        """Strokes always use σ = exp (Graves 2013); control models say which in metadata."""
        return "exp" if self.kind == "strokes" else self.sigma

    def lstm_input_size(self, layer: int) -> int:
        return self.units if layer > 0 else (self.embedding or self.input_size)

    def parameter_names(self):
        """(name, shape) in Baton's ParameterLayout order: the flat layout of optimiser moments."""
        h = self.units
        names = []
        if self.embedding:
            names.append(("embed.weight", (self.input_size, self.embedding)))
        for k in range(self.layers):
            names += [(f"lstm.weight_ih_l{k}", (4 * h, self.lstm_input_size(k))), (f"lstm.weight_hh_l{k}", (4 * h, h)),
                      (f"lstm.bias_ih_l{k}", (4 * h,)), (f"lstm.bias_hh_l{k}", (4 * h,))]
        names += [("head.weight", (self.output_size, h)), ("head.bias", (self.output_size,))]
        return names

    @property
    def parameter_count(self) -> int:
        total = 0
        for _, shape in self.parameter_names():
            n = 1
            for s in shape:
                n *= s
            total += n
        return total

    def describe(self) -> str:
        if self.kind == "text":
            source, head = (f"embedding {self.embedding}" if self.embedding else "one-hot 256"), "softmax 256"
        elif self.kind == "control":
            source, head = f"{self.input_size} dims", f"{self.mixtures} Gaussians over {self.input_size} dims (σ {self.sigma})"
        else:
            source, head = "strokes (dx, dy, pen)", f"{self.mixtures} bivariate Gaussians + pen"
        return f"{self.kind} LSTM {self.layers}×{self.units}, {source} → {head}"

    def architecture_metadata(self) -> dict:
        """The architecture keys Baton writes (Model.fileMetadata)."""
        m = {"format": "baton/1", "kind": self.kind, "layers": str(self.layers), "units": str(self.units)}
        if self.embedding:
            m["embedding"] = str(self.embedding)
        if self.kind == "text":
            m["vocab"] = str(BYTE_VOCABULARY)
        elif self.kind == "control":
            m.update(dims=str(self.input_size), mixtures=str(self.mixtures), sigma=self.sigma)
        else:
            m.update(dims="3", mixtures=str(self.mixtures))
        return m


@dataclass(frozen=True)
class SizePreset:
    name: str
    layers: int
    units: int
    dropout: float
    embedding: Optional[int] = None


# Baton's SizePreset.text and SizePreset.continuous (docs/models.md).
# Text sizes learn a 256-wide byte embedding (Baton's default; docs/decisions.md, "Text input").
TEXT_SIZES = (SizePreset("s", 1, 256, 0.0, 256), SizePreset("m", 2, 256, 0.1, 256), SizePreset("l", 2, 512, 0.2, 256),
              SizePreset("xl", 3, 512, 0.25, 256))
CONTINUOUS_SIZES = (SizePreset("xs", 2, 32, 0.0), SizePreset("s", 2, 64, 0.0), SizePreset("m", 2, 128, 0.1),
                    SizePreset("l", 2, 256, 0.1), SizePreset("xl", 3, 512, 0.2))
DEFAULT_SIZE = {"text": "m", "control": "s", "strokes": "m"}


def presets(kind: str):
    return TEXT_SIZES if kind == "text" else CONTINUOUS_SIZES


def size_preset(kind: str, name: str) -> SizePreset:
    for preset in presets(kind):
        if preset.name == name.lower():
            return preset
    raise UsageError(f"unknown {kind} model size '{name}'",
                     "choose one of " + ", ".join(p.name for p in presets(kind)) + " (see --help)")


# Baton's ModelStyle.palette and its FNV-1a pick, so a name gets the same colour in both.
PALETTE = ("#4f9dff", "#ff7a45", "#36c98e", "#e05dd6", "#f2c94c", "#5ad1e6", "#ff5c7a", "#a78bfa",
           "#9ccc65", "#ffab91", "#80cbc4", "#ce93d8")


def default_colour(name: str) -> str:
    h = 2166136261
    for byte in name.encode("utf-8"):
        h = ((h ^ byte) * 16777619) & 0xFFFFFFFF
    return PALETTE[h % len(PALETTE)]


def is_colour(text: str) -> bool:
    return len(text) == 7 and text.startswith("#") and all(c in "0123456789abcdefABCDEF" for c in text[1:])
