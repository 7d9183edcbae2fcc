#!/usr/bin/env python3
"""Side-by-side benchmark: fpvm fast engine, fpvm proving engine, qemu-riscv64 and native x86-64.

Runs every benchmark program under the four peers in one run and prints, per program: fpvm's
step count, seconds, million instructions per second, and the ratios fast/qemu, proving/qemu and
native/fast, with geometric means. Times are CPU seconds (user+sys) of the child process, so a
busy second core does not distort them; wall seconds are recorded too. Peak RSS comes from
wait4(). Each measurement is the least CPU time of --repeat runs (default 3): other work on a
shared machine only ever adds time. Results go to JSON and a PNG chart.

The interpreter-only column is the fast engine with its native tier off (FPVM_NATIVE=0); with
--before FPVM another fpvm binary (an earlier build) runs the fast engine in the same run, for a
before/after table.

usage: bench/run_bench.py --build BUILD_DIR [--out bench/results] [--only NAME ...] [--skip-proving]
                          [--before FPVM] [--repeat N]
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time


def run_measured(argv, stdout_path=None, env=None):
    """Runs argv; returns (exit_code, cpu_seconds, wall_seconds, peak_rss_kib, stdout_bytes)."""
    out = open(stdout_path, "wb") if stdout_path else subprocess.PIPE
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL, env=env)
    data = b""
    if not stdout_path:
        data = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if stdout_path:
        out.close()
        with open(stdout_path, "rb") as f:
            data = f.read()
    return proc.returncode, usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss, data


def run_best(repeat, argv, stdout_path=None, env=None):
    """run_measured `repeat` times; returns the run with the least CPU time (noise on a shared
    machine only adds time), with the highest peak RSS of all runs."""
    best = None
    peak = 0
    for _ in range(repeat):
        run = run_measured(argv, stdout_path, env)
        peak = max(peak, run[3])
        if run[0] != 0:
            return run
        if best is None or run[1] < best[1]:
            best = run
    return best[0], best[1], best[2], peak, best[4]


def geomean(values):
    values = [v for v in values if v and v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True, help="build directory (fpvm, guests/ and guests/native/)")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results"))
    ap.add_argument("--only", nargs="*", help="run only these programs")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs per measurement; the one with the least CPU time counts (default 3)")
    ap.add_argument("--skip-proving", action="store_true", help="leave out the proving engine (slowest)")
    ap.add_argument("--before", help="an earlier fpvm binary: its fast engine runs too (column 'before')")
    ap.add_argument("--chart-only", action="store_true", help="redraw the chart from OUT/engines.json")
    args = ap.parse_args()
    if args.chart_only:
        with open(os.path.join(args.out, "engines.json")) as f:
            data = json.load(f)
        draw_chart(data["programs"], data["summary"], os.path.join(args.out, "engines.png"))
        return

    fpvm = os.path.join(args.build, "src/cli/fpvm")
    guests = os.path.join(args.build, "guests")
    qemu = shutil.which("qemu-riscv64")
    if not os.path.exists(fpvm) or not qemu:
        sys.exit("error: need %s and qemu-riscv64" % fpvm)
    # The CPU-bound set: every bench_* guest with a native twin (bench_mem1g, the 1 GiB touch,
    # has none and is measured for peak RSS by bench/mem_bench.sh).
    names = sorted(f[: -len(".elf")] for f in os.listdir(guests)
                   if f.startswith("bench_") and f.endswith(".elf")
                   and os.path.exists(os.path.join(guests, "native", f[: -len(".elf")])))
    if args.only:
        names = [n for n in names if n in args.only or n[len("bench_"):] in args.only]
    if not names:
        sys.exit("error: no bench_*.elf in %s (build the bench_programs target)" % guests)

    os.makedirs(args.out, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="fpvm-bench-")
    results = []
    print("%-16s %12s | %8s %8s %8s %8s %8s %8s | %7s %7s %7s %7s %7s | %9s %9s" % (
        "program", "instructions", "fast s", "prove s", "interp s", "before s", "qemu s", "native s",
        "f/qemu", "p/qemu", "i/qemu", "b/qemu", "nat/f", "fast MIPS", "RSS MiB"))
    for name in names:
        elf = os.path.join(guests, name + ".elf")
        native = os.path.join(guests, "native", name)
        state = os.path.join(tmp, name + ".bin")
        subprocess.run([fpvm, "load-elf", "--path", elf, "--out", state, "--meta", ""], check=True)
        row = {"program": name}

        # qemu-riscv64 and native: the reference output
        rc, cpu, wall, rss, qout = run_best(args.repeat, [qemu, elf])
        row.update(qemu_s=cpu, qemu_wall_s=wall, qemu_exit=rc, qemu_rss_kib=rss)
        rc, cpu, wall, rss, nout = run_best(args.repeat, [native])
        row.update(native_s=cpu, native_wall_s=wall, native_exit=rc)

        columns = [("fast", fpvm, "fast", None), ("interp", fpvm, "fast", dict(os.environ, FPVM_NATIVE="0"))]
        if not args.skip_proving:
            columns.append(("proving", fpvm, "proving", None))
        if args.before:
            columns.append(("before", args.before, "fast", None))
        for engine, binary, kind, env in columns:
            final = os.path.join(tmp, "%s-%s.bin" % (name, engine))
            gout = os.path.join(tmp, "%s-%s.out" % (name, engine))
            rc, cpu, wall, rss, _ = run_best(args.repeat, [binary, "run", "--input", state, "--output", final, "--meta", "",
                                                  "--info-at", "never", "--engine", kind, "--guest-stdout", gout],
                                                 env=env)
            if rc != 0:
                sys.exit("error: fpvm %s engine failed on %s" % (engine, name))
            w = json.loads(subprocess.run([fpvm, "witness", "--input", final], check=True,
                                          capture_output=True).stdout)
            with open(gout, "rb") as f:
                fout = f.read()
            row.update({engine + "_s": cpu, engine + "_wall_s": wall, engine + "_rss_kib": rss,
                        engine + "_hash": w["stateHash"], "instructions": w["step"], engine + "_exit": w["exitCode"],
                        engine + "_stdout_matches_qemu": fout == qout})
        for other in ("proving", "interp", "before"):
            if other + "_hash" in row and row[other + "_hash"] != row["fast_hash"]:
                sys.exit("error: the fast and %s runs disagree on %s" % (other, name))
        if not row["fast_stdout_matches_qemu"] or row["fast_exit"] != row["qemu_exit"]:
            sys.exit("error: fpvm and qemu disagree on %s" % name)
        row["fast_mips"] = row["instructions"] / row["fast_s"] / 1e6
        row["fast_over_qemu"] = row["qemu_s"] / row["fast_s"]
        row["native_over_fast"] = row["fast_s"] / row["native_s"] if row["native_s"] else float("nan")
        for other in ("proving", "interp", "before"):
            if other + "_s" in row:
                row[other + "_over_qemu"] = row["qemu_s"] / row[other + "_s"]
                row[other + "_mips"] = row["instructions"] / row[other + "_s"] / 1e6
        results.append(row)

        def opt(key, fmt="%.3f"):
            return fmt % row[key] if key in row else "-"
        print("%-16s %12d | %8.3f %8s %8s %8s %8.3f %8.3f | %7.3f %7s %7s %7s %7.1f | %9.0f %9.1f" % (
            name, row["instructions"], row["fast_s"], opt("proving_s"), opt("interp_s"), opt("before_s"),
            row["qemu_s"], row["native_s"], row["fast_over_qemu"], opt("proving_over_qemu"),
            opt("interp_over_qemu"), opt("before_over_qemu"),
            row["native_over_fast"], row["fast_mips"], row["fast_rss_kib"] / 1024), flush=True)

    summary = {
        "geomean_fast_over_qemu": geomean([r["fast_over_qemu"] for r in results]),
        "geomean_proving_over_qemu": geomean([r.get("proving_over_qemu") for r in results]),
        "geomean_interp_over_qemu": geomean([r.get("interp_over_qemu") for r in results]),
        "geomean_before_over_qemu": geomean([r.get("before_over_qemu") for r in results]),
        "min_fast_over_qemu": min(r["fast_over_qemu"] for r in results),
        "geomean_native_over_fast": geomean([r["native_over_fast"] for r in results]),
        "geomean_fast_mips": geomean([r["fast_mips"] for r in results]),
        "time_unit": "CPU seconds (user+sys) of each child process, least of %d runs" % args.repeat,
        "repeat": args.repeat,
        "host": os.uname().nodename, "cpus": os.cpu_count(),
    }
    print("geomean: fast/qemu %.3f (lowest %.3f), proving/qemu %.3f, interpreter/qemu %.3f, before/qemu %.3f, "
          "native/fast %.1f, fast %.0f MIPS" % (
              summary["geomean_fast_over_qemu"], summary["min_fast_over_qemu"], summary["geomean_proving_over_qemu"],
              summary["geomean_interp_over_qemu"], summary["geomean_before_over_qemu"],
              summary["geomean_native_over_fast"], summary["geomean_fast_mips"]))
    with open(os.path.join(args.out, "engines.json"), "w") as f:
        json.dump({"summary": summary, "programs": results}, f, indent=2)
    draw_chart(results, summary, os.path.join(args.out, "engines.png"))
    shutil.rmtree(tmp, ignore_errors=True)


def draw_chart(results, summary, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("note: python3-matplotlib not installed; no chart written")
        return
    names = [r["program"].replace("bench_", "") for r in results]
    series = [("fpvm fast", "fast_mips"), ("fpvm proving", "proving_mips")]
    qemu_mips = [r["instructions"] / r["qemu_s"] / 1e6 for r in results]
    native_mips = [r["instructions"] / r["native_s"] / 1e6 if r["native_s"] else 0 for r in results]
    fig, ax = plt.subplots(figsize=(10, 5))
    width = 0.2
    xs = range(len(names))
    ax.bar([x - 1.5 * width for x in xs], native_mips, width, label="native x86-64 (guest-instruction equivalent)")
    ax.bar([x - 0.5 * width for x in xs], qemu_mips, width, label="qemu-riscv64")
    for i, (label, key) in enumerate(series):
        ax.bar([x + (0.5 + i) * width for x in xs], [r.get(key, 0) for r in results], width, label=label)
    ax.set_xticks(list(xs))
    ax.set_xticklabels(names)
    ax.set_ylabel("million RISC-V instructions per second (log)")
    ax.set_yscale("log")
    ax.set_title("fpvm vs qemu-riscv64 vs native — geomean fast/qemu %.2f, proving/qemu %.2f" % (
        summary["geomean_fast_over_qemu"], summary["geomean_proving_over_qemu"]))
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print("chart: %s" % path)


if __name__ == "__main__":
    main()
