#!/usr/bin/env python3
"""Replays how op-challenger drives an Asterisc-type VM (issue 15) against fpvm on the example
rollup, with the rollup host as the preimage server (as op-program runs under `--server`).

The command lines are op-challenger's (game/fault/trace/vm/executor.go, binary snapshots on, the
default for this VM type):

  run --input <snapshot|prestate> --output <dir>/final.bin.gz --meta "" --info-at %<f>
      --proof-at =<i> --proof-fmt <dir>/proofs/%d.json.gz --snapshot-at %<f>
      --snapshot-fmt <dir>/snapshots/%d.bin.gz [--stop-at =<i+1>] [extra] -- <server …>

and the files are read back as its Go code reads them: the starting snapshot is the largest
`<n>.bin.gz` with 0 < n < i; proofs/<i>.json.gz is decoded into ProofData (hexutil fields, "0x"
and even length; "proof-data" present); a missing proof after the run means the trace ended, and
the final state is read through `witness --input` (exited, step <= i, the last step is step - 1).

usage: op_challenger_replay.py FPVM ROLLUP_HOST DATA_DIR WORK_DIR
"""
import gzip
import json
import os
import re
import shutil
import subprocess
import sys

FPVM, HOST, DATA, WORK = sys.argv[1:5]
PRESTATE = os.path.join(DATA, "prestate.bin.gz")
SNAPSHOT_FREQ = 1_000_000
INFO_FREQ = 10_000_000
MAX_U64 = 2**64 - 1
HEX_BYTES = re.compile(r"^0x([0-9a-f]{2})*$")
HASH = re.compile(r"^0x[0-9a-f]{64}$")
SNAPSHOT_NAME = re.compile(r"^[0-9]+\.bin\.gz$")
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        sys.exit(f"FAIL [op_challenger_replay]: {what}")


def server_command():
    # op-program gets its boot values as flags and serves them; the rollup host reads them from a file.
    return [HOST, "serve", "--chain", DATA, "--boot", os.path.join(DATA, "boot-valid.json")]


def find_starting_snapshot(snap_dir, trace_index):
    """op-challenger's FindStartingSnapshot with binary snapshots."""
    best = 0
    if os.path.isdir(snap_dir):
        for name in os.listdir(snap_dir):
            if SNAPSHOT_NAME.match(name):
                n = int(name[: -len(".bin.gz")])
                if best < n < trace_index:
                    best = n
    return PRESTATE if best == 0 else os.path.join(snap_dir, f"{best}.bin.gz")


class Game:
    """One game directory, as op-challenger lays it out."""

    def __init__(self, name):
        self.dir = os.path.join(WORK, name)
        shutil.rmtree(self.dir, ignore_errors=True)
        self.snapshots = os.path.join(self.dir, "snapshots")
        self.proofs = os.path.join(self.dir, "proofs")
        self.final = os.path.join(self.dir, "final.bin.gz")
        self.last_step = 0
        self.starts = []

    def generate(self, begin, end, extra=()):
        start = find_starting_snapshot(self.snapshots, begin)
        self.starts.append(start)
        args = ["run", "--input", start, "--output", self.final, "--meta", "", "--info-at", f"%{INFO_FREQ}",
                "--proof-at", f"={end}", "--proof-fmt", os.path.join(self.proofs, "%d.json.gz"),
                "--snapshot-at", f"%{SNAPSHOT_FREQ}", "--snapshot-fmt", os.path.join(self.snapshots, "%d.bin.gz")]
        if end < MAX_U64:
            args += ["--stop-at", f"={end + 1}"]
        args += list(extra) + ["--"] + server_command()
        for d in (self.snapshots, self.proofs, os.path.join(self.dir, "preimages")):
            os.makedirs(d, exist_ok=True)
        r = subprocess.run([FPVM] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
        check(r.returncode == 0, f"fpvm {' '.join(args)} exited {r.returncode}: {r.stderr[-2000:]}")

    def load_proof(self, i):
        """AsteriscTraceProvider.loadProof."""
        if self.last_step != 0 and i > self.last_step:
            i = self.last_step
        path = os.path.join(self.proofs, f"{i}.json.gz")
        if not os.path.exists(path):
            self.generate(i, i)
            if not os.path.exists(path):
                state = convert_state(self.final)
                check(state["exited"] and state["step"] <= i,
                      f"no proof for {i} but the final state is at step {state['step']}, exited={state['exited']}")
                self.last_step = state["step"] - 1
                return {"post": state["stateHash"], "state-data": state["witness"], "proof-data": "0x"}
        with gzip.open(path, "rt") as f:
            proof = json.load(f)
        check_proof_fields(proof, path)
        return proof


def convert_state(path):
    """op-challenger's StateConverter: `<vm> witness --input <path>`, strict JSON on stdout."""
    r = subprocess.run([FPVM, "witness", "--input", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    check(r.returncode == 0, f"witness --input {path}: {r.stderr}")
    j = json.loads(r.stdout)
    check(list(j) == ["witness", "stateHash", "step", "exited", "exitCode", "pc"], f"witness keys {list(j)}")
    check(HEX_BYTES.match(j["witness"]) and len(j["witness"]) == 2 + 2 * 362, "witness is not 362 hex bytes")
    check(HASH.match(j["stateHash"]), f"stateHash {j['stateHash']}")
    check(isinstance(j["step"], int) and isinstance(j["exited"], bool) and 0 <= j["exitCode"] <= 255, f"types in {j}")
    return j


def check_proof_fields(p, path):
    """What Go's json decoding into utils.ProofData accepts, and what GetStepData needs."""
    check(HASH.match(p.get("post", "")), f"{path}: post {p.get('post')}")
    for k in ("state-data", "proof-data"):
        check(isinstance(p.get(k), str) and HEX_BYTES.match(p[k]), f"{path}: {k} is not 0x-hex bytes")
    check(len(p["state-data"]) == 2 + 2 * 362, f"{path}: state-data is not a 362-byte witness")
    for k in ("oracle-key", "oracle-value"):
        if k in p:
            check(isinstance(p[k], str) and HEX_BYTES.match(p[k]), f"{path}: {k} is not 0x-hex bytes")
    if "oracle-offset" in p:
        check(isinstance(p["oracle-offset"], int) and 0 <= p["oracle-offset"] < 2**32, f"{path}: oracle-offset")


def verify(proof_path):
    r = subprocess.run([FPVM, "verify-step", "--proof", proof_path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    check(r.returncode == 0, f"verify-step {proof_path}: {r.stderr}")
    return json.loads(r.stdout)


def main():
    # The absolute prestate, as the prestate provider reads it.
    pre = convert_state(PRESTATE)
    check(pre["step"] == 0 and not pre["exited"] and pre["stateHash"].startswith("0x03"), f"prestate {pre}")

    game = Game("game")
    # Trace indices: the first steps, one before the first snapshot, one that writes snapshots
    # 1000000 and 2000000 on its way, one resumed from 2000000.bin.gz, and (below) past the end.
    claims = {}
    for i in (0, 1, 777_777, 2_100_000, 2_500_001):
        proof = game.load_proof(i)
        path = os.path.join(game.proofs, f"{i}.json.gz")
        check(os.path.exists(path), f"no proof file for index {i}")
        check(proof.get("step") == i, f"proof {i} is for step {proof.get('step')}")
        v = verify(path)
        check(v["post"] == proof["post"] and v["pre"] == proof["pre"], f"proof {i} does not verify to its own hashes")
        # --stop-at =i+1: the final state is the post-state of step i, the claim at trace index i.
        final = convert_state(game.final)
        check(final["step"] == i + 1 and final["stateHash"] == proof["post"], f"final state after index {i}: {final}")
        claims[i] = proof["post"]
    check(verify(os.path.join(game.proofs, "1.json.gz"))["pre"] == claims[0], "proof 1 does not start at claim 0")
    check(game.starts[2] == PRESTATE, f"index 777777 started from {game.starts[2]}")
    check(game.starts[3] == PRESTATE, f"index 2100000 started from {game.starts[3]}")
    check(game.starts[4] == os.path.join(game.snapshots, "2000000.bin.gz"), f"index 2500001 started from {game.starts[4]}")

    # Snapshots: op-challenger's names, each a binary gzip state at its step.
    names = sorted(os.listdir(game.snapshots))
    check(names and all(SNAPSHOT_NAME.match(n) for n in names), f"snapshot names {names}")
    for n in names:
        with open(os.path.join(game.snapshots, n), "rb") as f:
            check(f.read(2) == b"\x1f\x8b", f"{n} is not gzip")
        step = int(n[: -len(".bin.gz")])
        check(step % SNAPSHOT_FREQ == 0 and convert_state(os.path.join(game.snapshots, n))["step"] == step, f"snapshot {n}")
    check({"1000000.bin.gz", "2000000.bin.gz"} <= set(names), f"snapshots {names}")
    with open(game.final, "rb") as f:
        check(f.read(2) == b"\x1f\x8b", "final.bin.gz is not gzip")

    # A proof generated after resuming from a snapshot equals one generated from the prestate.
    fresh = Game("fresh")
    fresh.generate(2_500_001, 2_500_001)
    check(fresh.starts == [PRESTATE], "fresh game did not start from the prestate")
    with gzip.open(os.path.join(game.proofs, "2500001.json.gz"), "rt") as a, \
            gzip.open(os.path.join(fresh.proofs, "2500001.json.gz"), "rt") as b:
        check(json.load(a) == json.load(b), "the proof from a snapshot differs from the proof from the prestate")

    # Past the end: no proof is written; the final state is exited and fixes the last step.
    past = 2**40
    end_proof = game.load_proof(past)
    check(not os.path.exists(os.path.join(game.proofs, f"{past}.json.gz")), "a proof past the end was written")
    final = convert_state(game.final)
    check(final["exited"] and final["exitCode"] == 0 and final["stateHash"].startswith("0x00"), f"final {final}")
    check(game.last_step == final["step"] - 1 and end_proof["post"] == final["stateHash"], "past-the-end claim")
    # The last real step (the exit): its proof exists and leads to the final state.
    last = game.load_proof(past)  # clamped to last_step now
    last_path = os.path.join(game.proofs, f"{game.last_step}.json.gz")
    check(os.path.exists(last_path) and last["post"] == final["stateHash"], "proof of the last step")
    check(verify(last_path)["post"] == final["stateHash"], "last step does not verify to the final state")

    # FindStep (preimage challenges): --proof-at the largest u64, no --stop-at, a preimage stop.
    find = Game("findstep")
    find.generate(0, MAX_U64, ["--stop-at-preimage-type", "keccak"])
    stopped = convert_state(find.final)
    check(not stopped["exited"] and stopped["step"] > 0, f"--stop-at-preimage-type keccak: {stopped}")
    print(f"op-challenger replay: {checks} checks; trace of {final['step']} steps, snapshots {names}, "
          f"claims at 0/1/777777/2100000/2500001 verified, last step {game.last_step}")


if __name__ == "__main__":
    main()
