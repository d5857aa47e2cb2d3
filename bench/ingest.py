"""Ingest benchmark: how close accepting a recording comes to a plain durable copy, and what it costs in memory.

Ingest must decode the whole recording (validation), hash and encrypt it, write it durably (fsync) and commit
its rows; the yardstick is the cheapest durable thing one can do with the same bytes: copy them to a new file
and fsync it. Both run in the same process on the same (page-cached) source file, on the same file system.
Every repetition ingests bytes never seen before (one more PCM byte flipped), so deduplication never
short-cuts the work. Peak memory is measured in a child process ingesting a two-hour recording, minus a child
that opens the same runtime and ingests nothing; each child runs under its own small launcher, which reads
the child's peak from ``getrusage(RUSAGE_CHILDREN)``. The child also resets its high-water mark after opening
the runtime (Linux ``/proc/self/clear_refs``), which gives the growth due to the ingest alone, since import
peaks would otherwise hide it.

Usage: ``python bench/ingest.py [--quick] [--reps N] [--profile]``. One JSON object goes to stdout; progress
(and the cProfile listing with ``--profile``) goes to stderr. Throughput is in MB/s with MB = 10**6 bytes;
memory is in MiB.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from callwarden.audio.probe import probe
from callwarden.config import Settings
from callwarden.services import ingest as ingest_service
from callwarden.services.runtime import Runtime, init_home, open_runtime
from callwarden.services.users import local_operator
from callwarden.store.crypto import StreamEncryptor, new_data_key

MB = 1_000_000
MiB = 1024 * 1024
RATE, CHANNELS, WIDTH = 8000, 2, 2
BYTES_PER_S = RATE * CHANNELS * WIDTH
WAV_HEADER = 44  # what the stdlib wave module writes before the PCM data
TARGET_RATIO = 0.5
TARGET_PEAK_MIB = 200.0
PHASES = {"_validate": "probe", "_seal": "encrypt_write", "_commit": "commit"}

_CHILD = """
import json, resource, sys
from pathlib import Path
from callwarden.config import Settings
from callwarden.services.ingest import ingest_file
from callwarden.services.runtime import open_runtime
from callwarden.services.users import local_operator

def status(field):
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith(field + ":"))
    except (OSError, StopIteration):
        return None

rt = open_runtime(Settings(home=Path(sys.argv[1])))
report = {"rss_before_kib": status("VmRSS"), "hwm_before_kib": status("VmHWM")}
try:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset VmHWM to the current RSS, so the next peak is the ingest's own
    report["hwm_reset"] = True
except OSError:
    report["hwm_reset"] = False
if len(sys.argv) > 2:
    ingest_file(rt, local_operator(), Path(sys.argv[2]), None)
report["hwm_after_kib"] = status("VmHWM")
rt.close()
print(json.dumps(report))
"""

# The worker is started from this small launcher, not from the benchmark process itself: a child's ru_maxrss
# starts at the RSS of the process it was forked from (the kernel carries the old image's peak across exec),
# so measured straight from the benchmark it would report the benchmark's own size.
_LAUNCHER = """
import json, resource, subprocess, sys
result = subprocess.run([sys.executable, "-c", *sys.argv[1:]], capture_output=True, text=True, check=False)
sys.stderr.write(result.stderr)
if result.returncode == 0:
    report = json.loads(result.stdout.strip().splitlines()[-1])
    report["children_maxrss_kib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps(report))
sys.exit(result.returncode)
"""


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def write_wav(path: Path, seconds: float, seed: int) -> Path:
    """8 kHz stereo 16-bit noise over two seed-dependent tones, written a minute at a time (bounded memory)."""
    rng = np.random.default_rng(seed)
    pitch = 200.0 + 37.0 * (seed % 17)
    total = round(seconds * RATE)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(CHANNELS)
        out.setsampwidth(WIDTH)
        out.setframerate(RATE)
        for start in range(0, total, 60 * RATE):
            n = min(60 * RATE, total - start)
            t = (start + np.arange(n)) / RATE
            tones = np.stack([np.sin(2 * np.pi * pitch * t), np.sin(2 * np.pi * 1.5 * pitch * t)], axis=1)
            samples = tones * 6000 + rng.standard_normal((n, CHANNELS)) * 1500
            out.writeframes(np.clip(samples, -32768, 32767).astype("<i2").tobytes())
    return path


def flip_pcm_byte(path: Path, nth: int) -> None:
    """Make the file's bytes new (never ingested before) and still valid audio: flip one more PCM bit."""
    offset = WAV_HEADER + 1 + 2 * 4099 * nth  # the high byte of a sample, far from the previous flips
    with path.open("r+b") as handle:
        handle.seek(offset)
        (old,) = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([old ^ 0x01]))


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def durable_copy(source: Path, target: Path) -> None:
    """The yardstick: read in 1 MiB chunks, write a new file, fsync it and its directory."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with source.open("rb") as handle:
            while chunk := handle.read(MiB):
                view = memoryview(chunk)
                while view:
                    view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    fsync_dir(target.parent)


def encrypt_hash_only(path: Path) -> None:
    """Read, hash and encrypt as ingest does, keeping nothing: the CPU part of the seal phase."""
    encryptor = StreamEncryptor(new_data_key(), b"recordings/bench")
    with path.open("rb") as handle:
        for _ in encryptor.encrypt(iter(lambda: handle.read(ingest_service.CHUNK), b"")):
            pass


@contextmanager
def timed_phases(into: dict[str, float]) -> Iterator[None]:
    """Time ingest's three steps inside real ``ingest_file`` calls by wrapping the module's helpers."""
    originals = {name: getattr(ingest_service, name) for name in PHASES}

    def wrap(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                into[PHASES[name]] = into.get(PHASES[name], 0.0) + time.perf_counter() - start

        return timed

    for name, function in originals.items():
        setattr(ingest_service, name, wrap(name, function))
    try:
        yield
    finally:
        for name, function in originals.items():
            setattr(ingest_service, name, function)


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def median(values: list[float]) -> float:
    return statistics.median(values)


def bench_size(rt: Runtime, work: Path, size_mb: float, seed: int, reps: int) -> dict[str, Any]:
    """Copy and ingest the same bytes ``reps`` times (after one untimed warm-up of each); medians."""
    source = write_wav(work / f"src-{size_mb:g}MB.wav", size_mb * MB / BYTES_PER_S, seed)
    size = source.stat().st_size
    actor = local_operator()
    copies = work / "copies"
    copies.mkdir(exist_ok=True)
    copy_s: list[float] = []
    ingest_s: list[float] = []
    phases: list[dict[str, float]] = []
    probe_s: list[float] = []
    encrypt_s: list[float] = []
    limits = (rt.settings.max_duration_s, rt.settings.max_channels)
    for rep in range(reps + 1):  # rep 0 warms caches and code paths and is not reported
        flip_pcm_byte(source, rep)
        target = copies / f"copy-{size_mb:g}-{rep}.wav"
        copy_time = timed(partial(durable_copy, source, target))
        target.unlink()
        split: dict[str, float] = {}
        with timed_phases(split):
            start = time.perf_counter()
            outcome = ingest_service.ingest_file(rt, actor, source, None)
            ingest_time = time.perf_counter() - start
        if not outcome.created:
            raise RuntimeError("the benchmark ingested a duplicate; every repetition must be new bytes")
        split["other"] = ingest_time - sum(split.values())
        probe_time = timed(lambda: probe(source, max_duration_s=limits[0], max_channels=limits[1]))
        encrypt_time = timed(lambda: encrypt_hash_only(source))
        if rep:
            copy_s.append(copy_time)
            ingest_s.append(ingest_time)
            phases.append(split)
            probe_s.append(probe_time)
            encrypt_s.append(encrypt_time)
        log(f"{size_mb:g} MB rep {rep}: copy {copy_time:.3f} s, ingest {ingest_time:.3f} s {_fmt(split)}")
    copy_mb_s = size / MB / median(copy_s)
    ingest_mb_s = size / MB / median(ingest_s)
    split_median = {name: round(median([p[name] for p in phases]), 4) for name in phases[0]}
    seal = split_median["encrypt_write"]
    encrypt_only = median(encrypt_s)
    return {
        "size_mb": round(size / MB, 2),
        "bytes": size,
        "audio_s": round((size - WAV_HEADER) / BYTES_PER_S, 1),
        "reps": reps,
        "copy_mb_s": round(copy_mb_s, 1),
        "ingest_mb_s": round(ingest_mb_s, 1),
        "ratio": round(ingest_mb_s / copy_mb_s, 3),
        "target_ratio": TARGET_RATIO,
        "meets_target": ingest_mb_s / copy_mb_s >= TARGET_RATIO,
        "copy_s_median": round(median(copy_s), 4),
        "ingest_s_median": round(median(ingest_s), 4),
        "ingest_s_all": [round(s, 4) for s in ingest_s],
        "copy_s_all": [round(s, 4) for s in copy_s],
        "split_s_median": split_median,
        "split_share": {name: round(value / sum(split_median.values()), 3) for name, value in split_median.items()},
        "standalone": {
            "probe_mb_s": round(size / MB / median(probe_s), 1),
            "read_hash_encrypt_mb_s": round(size / MB / encrypt_only, 1),
            "seal_write_fsync_s_est": round(max(0.0, seal - encrypt_only), 4),
            # the ratio if writing, fsync and the commit cost nothing: decoding plus hashing and encrypting alone
            "ceiling_ratio_probe_plus_encrypt": round(median(copy_s) / (median(probe_s) + encrypt_only), 3),
        },
    }


def _fmt(split: dict[str, float]) -> str:
    return "(" + ", ".join(f"{name} {value:.3f}" for name, value in split.items()) + ")"


def bench_memory(work: Path, seconds: float) -> dict[str, Any]:
    """Peak RSS of a child ingesting a long recording, against a child that only opens the runtime."""
    home = work / "memory-home"
    init_home(Settings(home=home))
    long_wav = write_wav(work / "long.wav", seconds, seed=99)
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}

    def child(*args: str) -> tuple[dict[str, Any], float]:
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-c", _LAUNCHER, _CHILD, str(home), *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - start
        if result.returncode != 0:
            raise RuntimeError(f"memory child failed: {result.stderr.strip()[-2000:]}")
        report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
        return report, elapsed

    base, _ = child()
    ingest, elapsed = child(str(long_wav))
    size = long_wav.stat().st_size
    base_mib, peak_mib = base["children_maxrss_kib"] / 1024, ingest["children_maxrss_kib"] / 1024
    log(f"memory: baseline {base_mib:.1f} MiB, ingest {peak_mib:.1f} MiB ({elapsed:.1f} s child)")
    own: dict[str, Any] = {"measured": bool(ingest.get("hwm_reset")) and ingest.get("hwm_after_kib") is not None}
    if own["measured"]:
        own["rss_before_ingest_mib"] = round(ingest["rss_before_kib"] / 1024, 1)
        own["peak_during_ingest_mib"] = round(ingest["hwm_after_kib"] / 1024, 1)
        own["growth_during_ingest_mib"] = round((ingest["hwm_after_kib"] - ingest["rss_before_kib"]) / 1024, 1)
    return {
        "file_mb": round(size / MB, 1),
        "audio_s": round((size - WAV_HEADER) / BYTES_PER_S),
        "baseline_peak_rss_mib": round(base_mib, 1),
        "ingest_peak_rss_mib": round(peak_mib, 1),
        "delta_mib": round(peak_mib - base_mib, 1),
        "ingest_phase": own,
        "target_peak_mib": TARGET_PEAK_MIB,
        "meets_target": peak_mib < TARGET_PEAK_MIB,
        "child_wall_s": round(elapsed, 2),
    }


def profile_one(rt: Runtime, work: Path, size_mb: float) -> None:
    """cProfile one ingest of fresh bytes; the top of the listing goes to stderr."""
    source = write_wav(work / "profiled.wav", size_mb * MB / BYTES_PER_S, seed=1234)
    profiler = cProfile.Profile()
    profiler.enable()
    ingest_service.ingest_file(rt, local_operator(), source, None)
    profiler.disable()
    listing = io.StringIO()
    pstats.Stats(profiler, stream=listing).sort_stats("tottime").print_stats(25)
    print(listing.getvalue(), file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small files and a 20-minute memory run")
    parser.add_argument("--reps", type=int, default=None, help="timed repetitions per size (default 5, quick 3)")
    parser.add_argument("--profile", action="store_true", help="cProfile one ingest of the largest size to stderr")
    args = parser.parse_args()
    sizes = [2.0, 10.0] if args.quick else [10.0, 50.0]
    reps = args.reps or (3 if args.quick else 5)
    long_s = 20 * 60.0 if args.quick else 2 * 3600.0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="callwarden-bench-") as tmp:
        work = Path(tmp)
        memory = bench_memory(work, long_s)
        (work / "long.wav").unlink()
        settings = Settings(home=work / "home")
        init_home(settings)
        rt = open_runtime(settings)
        try:
            throughput = [bench_size(rt, work, size, seed, reps) for seed, size in enumerate(sizes, start=1)]
            if args.profile:
                profile_one(rt, work, sizes[-1])
        finally:
            rt.close()
    result = {
        "benchmark": "ingest",
        "quick": args.quick,
        "units": {"throughput": "MB/s, MB = 10**6 bytes", "memory": "MiB (ru_maxrss KiB / 1024)"},
        "environment": {
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "tmp_dir": tempfile.gettempdir(),
        },
        "audio": {"sample_rate": RATE, "channels": CHANNELS, "sample_width_bytes": WIDTH, "format": "wav pcm_s16le"},
        "throughput": throughput,
        "memory": memory,
        "total_runtime_s": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
