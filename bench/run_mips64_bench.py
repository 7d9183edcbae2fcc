#!/usr/bin/env python3
"""Side-by-side benchmark of the Cannon MT64 machine: fpvm's fast engine and reference interpreter
vs qemu-mips64, on the Go programs of tests/go/programs built for linux/mips64 (soft float).

Per program: fpvm's step count, CPU seconds (user+sys of the child) of each peer, the ratios
fast/qemu and fast/reference, and million steps per second. All runs of a program must print
the same stdout and exit code, and both fpvm engines must end in the same state hash. Note that
the step count is the machine's (a Go thread that waits spins through yields on Cannon's
scheduler), while qemu runs the same program with real threads: the ratios compare the time to
run the program, not per-instruction speed.

usage: bench/run_mips64_bench.py --build BUILD_DIR [--out bench/results] [--only NAME ...] [--skip-reference]
Needs the fpvm_mips64_run target and the Go guests (ninja fpvm_mips64_run mips64_tests).
"""
import argparse
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_bench import geomean, run_measured  # noqa: E402

PROGRAMS = ["tiny", "jsonsort", "goroutines", "collections", "bignum", "alloc"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results"))
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--skip-reference", action="store_true", help="leave out the reference interpreter (slowest)")
    args = ap.parse_args()

    runner = os.path.join(args.build, "bench/fpvm_mips64_run")
    qemu = shutil.which("qemu-mips64")
    if not os.path.exists(runner) or not qemu:
        sys.exit("error: need %s and qemu-mips64" % runner)
    names = [p for p in PROGRAMS if not args.only or p in args.only]
    results = []
    print("%-12s %12s | %8s %8s %8s | %7s %7s | %9s" % (
        "program", "steps", "fast s", "ref s", "qemu s", "f/qemu", "f/ref", "fast Msps"))
    for name in names:
        elf = os.path.join(args.build, "guests/go/mips64-" + name)
        if not os.path.exists(elf):
            sys.exit("error: %s missing (build the mips64_tests target)" % elf)
        row = {"program": name}
        rc, cpu, wall, rss, qout = run_measured([qemu, elf])
        row.update(qemu_s=cpu, qemu_wall_s=wall, qemu_exit=rc)
        for engine in ["fast"] + ([] if args.skip_reference else ["reference"]):
            rc, cpu, wall, rss, out, err = run_with_stderr([runner, "--engine", engine, elf])
            info = json.loads(err.strip().splitlines()[-1])
            if out != qout or rc != row["qemu_exit"]:
                sys.exit("error: fpvm %s engine and qemu disagree on %s (exit %d vs %d)" % (engine, name, rc, row["qemu_exit"]))
            row.update({engine + "_s": cpu, engine + "_wall_s": wall, engine + "_rss_kib": rss,
                        engine + "_hash": info["stateHash"], "steps": info["steps"]})
        if "reference_hash" in row and row["reference_hash"] != row["fast_hash"]:
            sys.exit("error: fast engine and reference interpreter disagree on %s" % name)
        row["fast_over_qemu"] = row["qemu_s"] / row["fast_s"] if row["fast_s"] else float("nan")
        row["fast_msps"] = row["steps"] / row["fast_s"] / 1e6 if row["fast_s"] else float("nan")
        if "reference_s" in row:
            row["fast_over_reference"] = row["reference_s"] / row["fast_s"] if row["fast_s"] else float("nan")
        results.append(row)
        print("%-12s %12d | %8.3f %8s %8.3f | %7.3f %7s | %9.0f" % (
            name, row["steps"], row["fast_s"], "%.3f" % row["reference_s"] if "reference_s" in row else "-",
            row["qemu_s"], row["fast_over_qemu"],
            "%.1f" % row["fast_over_reference"] if "fast_over_reference" in row else "-", row["fast_msps"]), flush=True)
    summary = {
        "geomean_fast_over_qemu": geomean([r["fast_over_qemu"] for r in results]),
        "geomean_fast_over_reference": geomean([r.get("fast_over_reference") for r in results]),
        "geomean_fast_msps": geomean([r["fast_msps"] for r in results]),
        "time_unit": "CPU seconds (user+sys) of each child process",
        "host": os.uname().nodename, "cpus": os.cpu_count(),
    }
    print("geomean: fast/qemu %.3f, fast/reference %.1f, fast %.0f M steps/s" % (
        summary["geomean_fast_over_qemu"], summary["geomean_fast_over_reference"], summary["geomean_fast_msps"]))
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "mips64_engines.json"), "w") as f:
        json.dump({"summary": summary, "programs": results}, f, indent=2)


def run_with_stderr(argv):
    """run_measured with stderr captured too: (exit, cpu s, wall s, rss KiB, stdout, stderr)."""
    import subprocess
    import tempfile
    import time
    with tempfile.TemporaryFile() as errf:
        start = time.monotonic()
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=errf)
        data = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
        errf.seek(0)
        err = errf.read().decode(errors="replace")
    return (os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss, data, err)


if __name__ == "__main__":
    main()
