"""One process, or one of many under `torchrun` (DistributedDataParallel): the device,
the process group (NCCL on GPUs, gloo on CPU), and the few collectives the trainer needs
so that every rank takes the same decisions (stop, learning rate, checkpoint) at the same
step.
"""
import datetime
import os
from dataclasses import dataclass

import torch
import torch.distributed as dist

from .errors import UsageError


@dataclass
class Context:
    rank: int = 0
    local_rank: int = 0
    world: int = 1
    device: torch.device = torch.device("cpu")

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.world > 1


def choose_device(name: str, local_rank: int) -> torch.device:
    """auto: this rank's GPU when CUDA is available, else the CPU."""
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda":
        if not torch.cuda.is_available():
            raise UsageError("--device cuda but PyTorch sees no GPU", "use --device cpu, or install a CUDA build of torch")
        return torch.device("cuda", local_rank % torch.cuda.device_count())
    if name == "cpu":
        return torch.device("cpu")
    raise UsageError(f"--device must be auto, cpu or cuda, got '{name}'", "see --help")


def start(device_name: str, timeout_minutes: float = 60) -> Context:
    """Reads torchrun's environment (RANK, LOCAL_RANK, WORLD_SIZE) and joins the group."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    device = choose_device(device_name, local)
    if world > 1:
        if device.type == "cuda":
            torch.cuda.set_device(device)
        backend = "nccl" if device.type == "cuda" else "gloo"
        dist.init_process_group(backend, timeout=datetime.timedelta(minutes=timeout_minutes))
        if device.type == "cpu" and "OMP_NUM_THREADS" not in os.environ:
            torch.set_num_threads(max(1, (os.cpu_count() or 1) // int(os.environ.get("LOCAL_WORLD_SIZE", world))))
    return Context(rank, local, world, device)


def stop(context: Context):
    if context.distributed and dist.is_initialized():
        dist.destroy_process_group()


def all_sum(context: Context, values):
    """Sums a list of floats over the ranks (float64, on the collective's device)."""
    if not context.distributed:
        return list(values)
    t = torch.tensor(values, dtype=torch.float64, device=context.device)
    dist.all_reduce(t)
    return t.tolist()


def barrier(context: Context):
    if context.distributed:
        dist.barrier()
