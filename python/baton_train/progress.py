"""The progress line (Baton's ProgressLine): rewritten in place on a terminal, one line
every 10 seconds in a log file (SLURM, nohup), and always after a validation."""
import math
import sys
import time


def duration(seconds: float) -> str:
    """75 → "1:15", 3725 → "1:02:05"."""
    if not math.isfinite(seconds) or seconds < 0:
        return "--:--"
    s = int(round(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def grouped(value: float) -> str:
    return f"{int(round(value)):,}"


class ProgressLine:
    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty()
        self.interval = 0.25 if self.interactive else 10.0
        self.last = 0.0

    def update(self, text: str, force: bool = False):
        now = time.monotonic()
        if not force and now - self.last < self.interval:
            return
        self.last = now
        if self.interactive:
            self.stream.write("\r\x1b[K" + text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self):
        if self.interactive:
            self.stream.write("\n")
            self.stream.flush()


class RateMeter:
    """Steps per second over the last ten seconds."""

    def __init__(self):
        self.times = []

    def tick(self):
        now = time.monotonic()
        self.times.append(now)
        while len(self.times) > 2 and now - self.times[0] > 10:
            self.times.pop(0)

    @property
    def steps_per_second(self) -> float:
        if len(self.times) < 2:
            return 0.0
        span = self.times[-1] - self.times[0]
        return (len(self.times) - 1) / span if span > 0 else 0.0
