"""`python -m baton_train` (or `torchrun … -m baton_train`): train, score and export
Baton models with PyTorch. Every user error is one line, `error: … (hint: …)`, exit 1."""
import argparse
import json
import math
import os
import sys

from . import __version__
from .config import CONTINUOUS_SIZES, TEXT_SIZES, is_colour
from .errors import BatonTrainError, UsageError

DESCRIPTION = """Train Baton's LSTM models with PyTorch — on this machine, one GPU, or many GPUs and
nodes under torchrun — and write the .safetensors files Baton performs with (`baton eval`,
`baton sample`, `baton serve` load them unchanged). Same mathematics, tensor names, gate
order, metadata and checkpoints as `baton train`, so a run can also continue in either one.

  python -m baton_train text corpus.txt --size l --minutes 60 --out style.safetensors
  torchrun --nproc_per_node=4 -m baton_train text big.txt --size xl --batch 256 --out big.safetensors
  python -m baton_train eval style.safetensors corpus.txt
  python -m baton_train export my_lstm.pt --kind text --out mine.safetensors

See docs/scale-out.md for GPUs, clusters and SLURM job arrays."""

TRAIN_EPILOG = """Files: OUT holds the best weights by validation, OUT's .state.safetensors the latest
weights and optimiser (for --resume, readable by `baton train --resume` too), .metrics.csv
the curve. --resume into another OUT (a fine-tune) keeps the optimiser and step count but
not the old best validation, so OUT is written at the first validation. Ctrl-C or SIGTERM
saves and stops. Under torchrun every process trains on its
share of the --batch rows (the global batch), so N processes give the same updates as one."""


class Parser(argparse.ArgumentParser):
    """argparse with Baton's one-line errors."""

    def error(self, message):
        sys.stderr.write(f"error: {message} (hint: see {self.prog} --help)\n")
        sys.exit(2)


def add_training_options(p, kind):
    sizes = TEXT_SIZES if kind == "text" else CONTINUOUS_SIZES
    default = {"text": "m", "control": "s", "strokes": "m"}[kind]
    p.add_argument("--out", required=True, help="where to write the model (.safetensors)")
    p.add_argument("--size", help="size preset: " + ", ".join(f"{s.name} = {s.layers}×{s.units}" for s in sizes) + f" (default {default})")
    p.add_argument("--layers", type=int, help="LSTM layers, overriding the size preset")
    p.add_argument("--units", type=int, help="units per layer, overriding the size preset")
    p.add_argument("--minutes", type=float, help="stop after this many minutes (with --resume: in all)")
    p.add_argument("--epochs", type=int, help="stop after this many passes over the training data (with --resume: in all)")
    p.add_argument("--max-steps", type=int, help="stop after this many optimiser steps in all (sweeps, tests)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--resume", help="continue from this model, and from its .state.safetensors checkpoint (Baton's or ours) when present")
    p.add_argument("--batch", type=int, help="batch rows in all, shared by the processes (default 64)")
    p.add_argument("--window", type=int, help=f"steps of truncated backpropagation per window (default {dict(text=128, control=50, strokes=100)[kind]})")
    p.add_argument("--lr", type=float, help="learning rate (default 0.002; with --resume it replaces the checkpoint's)")
    p.add_argument("--optimizer", default="adam", help="adam or rmsprop (default adam)")
    p.add_argument("--schedule", help="constant, cosine (over the budget) or plateau (default: cosine with a budget, plateau without)")
    p.add_argument("--dropout", type=float, help="dropout between layers and before the head (default: the size preset's)")
    p.add_argument("--clip", type=float, default=5.0, help="clip the global gradient norm to this, 0 = off (default 5)")
    p.add_argument("--validation", type=float, default=0.1, help="fraction held out for validation (default 0.1)")
    p.add_argument("--validate-every", type=int, help="validate and checkpoint every N steps (default: twice an epoch, at most every 500)")
    p.add_argument("--patience", type=int, default=6, help="stop after this many validations without improvement (default 6)")
    p.add_argument("--float16", action="store_true", help="store the model's weights as Float16 (half the size; Baton runs them as f16)")
    p.add_argument("--dtype", choices=("f32", "f16", "bf16"), help="storage type of the model's weights (default f32)")
    p.add_argument("--name", help="display name stored in the model (default: the data file's name)")
    p.add_argument("--colour", help="display colour stored in the model, as #rrggbb")
    p.add_argument("--device", default="auto", help="auto (a GPU when there is one), cpu or cuda")
    p.add_argument("--precision", default="auto", choices=("auto", "f32", "bf16"),
                   help="auto: on GPUs with bf16, the head under bf16 autocast and the LSTM in float32 (TF32 tensor cores); "
                        "float32 elsewhere. Losses are always float32")
    p.add_argument("--compile", action="store_true", help="torch.compile the model (faster on GPUs; the file is the same)")
    p.add_argument("--threads", type=int, help="CPU threads per process (default: cores / processes)")
    p.add_argument("--summary", help="also write the run's summary (reason, steps, losses, speed) to this JSON file")


def build_parser():
    parser = Parser(prog="python -m baton_train", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"baton_train {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    def training_command(kind, summary, description, data_help):
        p = sub.add_parser(kind, help=summary, description=description, epilog=TRAIN_EPILOG)
        p.add_argument("data", metavar="DATA", help=data_help)
        add_training_options(p, kind)
        if kind != "text":
            default = 5 if kind == "control" else 20
            p.add_argument("--mixtures", type=int, default=default, help=f"mixture components (default {default})")
        return p

    text = training_command("text", "train a character-level (UTF-8 byte) model on a text file",
                            "Train a text model on a UTF-8 file's bytes; the last --validation fraction is held out.", "a text file")
    text.add_argument("--embedding", type=int, help="width of the learned byte embedding; 0 for one-hot input (default: the size preset's, 256)")
    control = training_command("control", "train a mixture-density model on controller data (IMPS: dt first)",
                               "DATA is an .npz of sequences (data [N, D] + lengths), a CSV with a header row "
                               "(dt in seconds first), or a folder of IMPS session logs.", ".npz, .csv or a folder of session logs")
    control.add_argument("--split-pause", type=float, default=5.0, help="a dt longer than this many seconds starts a new take (default 5)")
    strokes = training_command("strokes", "train a handwriting or sketch model on pen strokes (stroke-3)",
                               "DATA is an .npz of stroke-3 sequences (dx, dy, pen lifted): data [N, 3] + lengths, "
                               "or train_/valid_ splits.", "stroke data (.npz)")
    strokes.add_argument("--y-axis", default="down", help="which way y points in the data: down (screen, sketch-rnn) or up (tablets, UNIPEN)")
    evaluate = sub.add_parser("eval", help="mean negative log-likelihood of a file, as `baton eval` defines it",
                              description="Scores FILE under MODEL exactly as `baton eval` does (zero state, first symbol only input, "
                                          "data units for control and strokes) and prints nats and bits per symbol.")
    evaluate.add_argument("model", metavar="MODEL")
    evaluate.add_argument("file", metavar="FILE")
    evaluate.add_argument("--split-pause", type=float, help="control data: split at pauses longer than this (default: the model's)")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object (nats_per_symbol, bits_per_symbol, symbols)")
    evaluate.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    export = sub.add_parser("export", help="turn a PyTorch LSTM state_dict into a Baton model file",
                            description="Reads a state_dict (.pt/.pth/.bin from torch.save, or .safetensors) of Embedding? → LSTM → Linear, "
                                        "drops module./_orig_mod. prefixes, and writes a Baton model. Refuses by name what Baton cannot run: "
                                        "proj_size, bidirectional, GRUs, extra layers.")
    export.add_argument("state_dict", metavar="STATE_DICT")
    export.add_argument("--kind", required=True, choices=("text", "control", "strokes"))
    export.add_argument("--out", required=True, help="the Baton model to write (.safetensors)")
    export.add_argument("--mixtures", type=int, help="control: check the head has this many components")
    export.add_argument("--sigma", default="elu", choices=("elu", "exp"), help="control: the σ transform the model was trained with (default elu)")
    export.add_argument("--normalisation", help='control/strokes: JSON {"offset": [...], "scale": [...]} the model was trained with')
    export.add_argument("--lstm", help="attribute path of the LSTM when there are several (e.g. encoder.rnn)")
    export.add_argument("--embed", help="attribute path of the byte embedding")
    export.add_argument("--head", help="attribute path of the output Linear")
    export.add_argument("--allow-unused", action="store_true", help="export even if other tensors are present")
    export.add_argument("--name", help="display name (default: the file's name)")
    export.add_argument("--colour", help="display colour, #rrggbb")
    export.add_argument("--corpus", help="what the model was trained on")
    export.add_argument("--dtype", default="f32", choices=("f32", "f16", "bf16"), help="storage type (default f32)")
    return parser


def training_options(args):
    from .config import size_preset
    from .train import Options
    checks = [
        (args.layers is None or 1 <= args.layers <= 8, f"--layers must be 1–8, got {args.layers}"),
        (args.units is None or 1 <= args.units <= 4096, f"--units must be 1–4096, got {args.units}"),
        (args.minutes is None or (args.minutes > 0 and math.isfinite(args.minutes)), f"--minutes must be > 0, got {args.minutes}"),
        (args.epochs is None or args.epochs > 0, f"--epochs must be > 0, got {args.epochs}"),
        (args.max_steps is None or args.max_steps > 0, f"--max-steps must be > 0, got {args.max_steps}"),
        (args.batch is None or args.batch > 0, f"--batch must be > 0, got {args.batch}"),
        (args.window is None or args.window > 0, f"--window must be > 0, got {args.window}"),
        (args.lr is None or (args.lr > 0 and math.isfinite(args.lr)), f"--lr must be > 0, got {args.lr}"),
        (args.optimizer in ("adam", "rmsprop"), f"--optimizer must be adam or rmsprop, got '{args.optimizer}'"),
        (args.schedule in (None, "constant", "cosine", "plateau"), f"--schedule must be constant, cosine or plateau, got '{args.schedule}'"),
        (args.dropout is None or 0 <= args.dropout < 1, f"--dropout must be in [0, 1), got {args.dropout}"),
        (args.clip >= 0 and math.isfinite(args.clip), f"--clip must be ≥ 0, got {args.clip}"),
        (0 < args.validation < 0.9, f"--validation must be in (0, 0.9), got {args.validation}"),
        (args.validate_every is None or args.validate_every > 0, f"--validate-every must be > 0, got {args.validate_every}"),
        (args.patience > 0, f"--patience must be > 0, got {args.patience}"),
        (args.colour is None or is_colour(args.colour), f"--colour must look like #ff7a45, got '{args.colour}'"),
        (args.out.endswith(".safetensors"), f"--out should end in .safetensors, got '{args.out}'"),
        (args.threads is None or args.threads >= 1, f"--threads must be ≥ 1, got {args.threads}"),
        (getattr(args, "embedding", None) is None or args.embedding >= 0, f"--embedding must be ≥ 0, got {getattr(args, 'embedding', None)}"),
        (getattr(args, "mixtures", 1) >= 1, f"--mixtures must be ≥ 1, got {getattr(args, 'mixtures', None)}"),
        (getattr(args, "split_pause", 1) > 0, f"--split-pause must be > 0, got {getattr(args, 'split_pause', None)}"),
        (getattr(args, "y_axis", "down") in ("up", "down"), f"--y-axis must be up or down, got '{getattr(args, 'y_axis', None)}'"),
    ]
    for ok, message in checks:
        if not ok:
            raise UsageError(message, f"see python -m baton_train {args.command} --help")
    out_folder = os.path.dirname(os.path.abspath(args.out))
    if os.environ.get("RANK", "0") == "0" and not os.path.isdir(out_folder):  # only rank 0 writes (other nodes may not see it)
        raise UsageError(f"--out {args.out}: the folder {out_folder} does not exist", "create it first")
    preset = size_preset(args.command, args.size or {"text": "m", "control": "s", "strokes": "m"}[args.command])
    budget = args.minutes is not None or args.epochs is not None or args.max_steps is not None
    return Options(
        batch=args.batch or 64, window=args.window or {"text": 128, "control": 50, "strokes": 100}[args.command],
        learning_rate=args.lr or 2e-3, override_learning_rate=args.lr is not None, optimizer=args.optimizer,
        schedule=args.schedule or ("cosine" if budget else "plateau"), clip=args.clip,
        dropout=args.dropout if args.dropout is not None else preset.dropout, validation=args.validation,
        validate_every=args.validate_every, patience=args.patience, epochs=args.epochs, minutes=args.minutes,
        max_steps=args.max_steps, seed=args.seed, dtype=args.dtype or ("f16" if args.float16 else "f32"),
        precision=args.precision, compile=args.compile)


def run_training(args):
    import torch
    from . import distributed
    from .runs import train_continuous, train_text
    from .train import Interrupt
    options = training_options(args)
    context = distributed.start(args.device)
    previous = Interrupt.install()
    try:
        if args.threads:
            torch.set_num_threads(args.threads)
        (train_text if args.command == "text" else train_continuous)(args, options, context)
    finally:
        Interrupt.restore(previous)
        distributed.stop(context)


def run_eval(args):
    from .evaluate import evaluate_file
    result = evaluate_file(args.model, args.file, args.split_pause, device=args.device)
    if args.json:
        print(json.dumps({"nats_per_symbol": round(result.nats_per_symbol, 6), "bits_per_symbol": round(result.bits_per_symbol, 6),
                          "symbols": result.symbols}))
    else:
        unit = result.unit
        print(f"{args.file}: {result.nats_per_symbol:.4f} nats/{unit} ({result.bits_per_symbol:.4f} bits/{unit}) over {result.symbols:,} predictions")


def run_export(args):
    from .export import export
    if not args.out.endswith(".safetensors"):
        raise UsageError(f"--out should end in .safetensors, got '{args.out}'", "name the model file NAME.safetensors")
    if args.colour and not is_colour(args.colour):
        raise UsageError(f"--colour must look like #ff7a45, got '{args.colour}'", "see --help")
    config, used = export(args)
    print(f"wrote {args.out}: {config.describe()}, {config.parameter_count:,} parameters (from {len(used)} tensors of {args.state_dict})")


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    is_main = os.environ.get("RANK", "0") == "0"
    try:
        if args.command in ("text", "control", "strokes"):
            run_training(args)
        elif args.command == "eval":
            run_eval(args)
        else:
            run_export(args)
        return 0
    except BatonTrainError as error:
        if is_main:
            sys.stderr.write(error.line() + "\n")
        return 1
    except KeyboardInterrupt:
        return 130
