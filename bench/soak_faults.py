#!/usr/bin/env python3
"""Soak and fault run of the validation server (issue 20), outside the default test suite.

Starts redis-server (append-only, fsync always, so a restart loses nothing acknowledged), one
`fpvm serve` with JSON-RPC (JWT on) and Redis consumers, and two extra consumer processes
(`fpvm serve --no-rpc`). For DURATION seconds it keeps a bounded mixed load on it — validations,
execution runs with hash queries and proofs, over HTTP and WebSocket, every request with a fresh
JWT, and validation jobs over Redis Streams (`fpvm submit`) — while it SIGKILLs and restarts a
consumer every KILL_EVERY seconds and restarts redis-server every REDIS_EVERY seconds. /health is
polled every second throughout.

Afterwards it checks: every submitted Redis job (its entry id, as `fpvm submit` reports it) has
exactly one result key and no error key, every submission that failed was refused before its
entry was added, nothing is left pending, /health never failed to answer, and the server's RSS is within 10 % of
its level after warm-up. Prints one JSON object with the figures; exit 0 when all checks pass.

Usage: bench/soak_faults.py BUILD_DIR ELF [DURATION=600] [WARMUP=60]
ELF: a guest that runs without local keys or preimages (e.g. BUILD_DIR/guests/sha256.elf).
"""
import base64, hashlib, hmac, json, os, random, re, signal, socket, subprocess, sys, tempfile, threading, time
import http.client

build, elf = sys.argv[1], sys.argv[2]
duration = float(sys.argv[3]) if len(sys.argv) > 3 else 600
warmup = float(sys.argv[4]) if len(sys.argv) > 4 else 60
KILL_EVERY, REDIS_EVERY = 45, 120
fpvm = os.path.join(build, "src/cli/fpvm")
work = tempfile.mkdtemp(prefix="fpvm-soak-")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


rport, hport = free_port(), free_port()
rurl = "redis://127.0.0.1:%d" % rport
secret = os.urandom(32)
with open(os.path.join(work, "jwt.hex"), "w") as f:
    f.write(secret.hex())

# The prestate folder named by the state hash.
subprocess.run([fpvm, "load-elf", "--path", elf, "--out", work + "/state.bin.gz", "--meta", work + "/meta.json"], check=True,
               stdout=subprocess.DEVNULL)
w = subprocess.run([fpvm, "witness", "--input", work + "/state.bin.gz"], check=True, capture_output=True, text=True).stdout
prestate = json.loads(w)["stateHash"]
os.makedirs(work + "/prestates/" + prestate)
os.rename(work + "/state.bin.gz", work + "/prestates/%s/prestate.bin.gz" % prestate)
os.rename(work + "/meta.json", work + "/prestates/%s/meta.json" % prestate)
INPUT = {"id": 1, "localKeys": {}, "preimages": {}}
with open(work + "/input.json", "w") as f:
    json.dump(INPUT, f)


def start_redis():
    return subprocess.Popen(["redis-server", "--port", str(rport), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
                             "--appendfsync", "always", "--dir", work, "--logfile", work + "/redis.log"])


def start_consumer(i):
    return subprocess.Popen([fpvm, "serve", "--no-rpc", "--redis-url", rurl, "--prestates", work + "/prestates", "--workers", "1",
                             "--idletime-to-autoclaim", "10s", "--log-level", "warn"],
                            stdout=open(work + "/consumer%d.log" % i, "a"), stderr=subprocess.STDOUT)


redis = start_redis()
time.sleep(0.5)
server = subprocess.Popen([fpvm, "serve", "--prestates", work + "/prestates", "--port", str(hport), "--jwt-secret", work + "/jwt.hex",
                           "--redis-url", rurl, "--workers", "2", "--queue-size", "16", "--idletime-to-autoclaim", "10s",
                           "--log-level", "warn"], stdout=open(work + "/server.log", "w"), stderr=subprocess.STDOUT)
consumers = [start_consumer(0), start_consumer(1)]
procs = lambda: [server, redis] + consumers


def cleanup(*_):
    for p in procs():
        if p.poll() is None:
            p.terminate()
    for p in procs():
        try:
            p.wait(10)
        except Exception:
            p.kill()


signal.signal(signal.SIGTERM, lambda *a: (cleanup(), sys.exit(143)))


def jwt():
    b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=")
    head = b64(b'{"alg":"HS256","typ":"JWT"}') + b"." + b64(json.dumps({"iat": int(time.time())}).encode())
    return (head + b"." + b64(hmac.new(secret, head, hashlib.sha256).digest())).decode()


def http_call(method, params):
    c = http.client.HTTPConnection("127.0.0.1", hport, timeout=120)
    c.request("POST", "/", json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}),
              {"Content-Type": "application/json", "Authorization": "Bearer " + jwt()})
    r = json.loads(c.getresponse().read())
    c.close()
    if "error" in r:
        raise RuntimeError("%s: %s" % (method, r["error"]))
    return r["result"]


def ws_call(method, params):
    s = socket.create_connection(("127.0.0.1", hport), timeout=120)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
               "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer %s\r\n\r\n" % (key, jwt())).encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        buf += s.recv(4096)
    if b" 101 " not in buf.split(b"\r\n")[0]:
        raise RuntimeError("WebSocket upgrade refused: %r" % buf[:80])
    rest = buf.split(b"\r\n\r\n", 1)[1]
    payload = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    mask = os.urandom(4)
    n = len(payload)
    head = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + n.to_bytes(2, "big") if n < 65536
                            else bytes([0x80 | 127]) + n.to_bytes(8, "big"))
    s.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def need(k):
        nonlocal rest
        while len(rest) < k:
            chunk = s.recv(1 << 16)
            if not chunk:
                raise RuntimeError("WebSocket closed")
            rest += chunk
        out, rest = rest[:k], rest[k:]
        return out

    message = b""
    while True:  # frames until FIN (a server may fragment a long answer)
        h = need(2)
        ln = h[1] & 0x7F
        if ln == 126:
            ln = int.from_bytes(need(2), "big")
        elif ln == 127:
            ln = int.from_bytes(need(8), "big")
        data = need(ln)
        if h[0] & 0x0F == 8:
            raise RuntimeError("WebSocket closed by the server: %r" % data[:80])
        message += data
        if h[0] & 0x80:
            break
    r = json.loads(message)
    s.close()
    if "error" in r:
        raise RuntimeError("%s: %s" % (method, r["error"]))
    return r["result"]


stats = {"validations": 0, "execution_runs": 0, "hash_queries": 0, "proofs": 0, "ws_requests": 0, "http_requests": 0,
         "rpc_errors": 0, "redis_jobs": 0, "redis_job_failures": 0, "redis_submit_refused": 0, "health_polls": 0, "health_failures": 0,
         "consumer_kills": 0, "redis_restarts": 0}
errors = []
lock = threading.Lock()
stop = threading.Event()
submitted = []  # entry ids `fpvm submit` reported ("submit: added STREAM entry ID"), with its exit code


def bump(k, n=1):
    with lock:
        stats[k] += n


def rpc_worker(seed):
    rnd = random.Random(seed)
    while not stop.is_set():
        call = ws_call if rnd.random() < 0.5 else http_call
        bump("ws_requests" if call is ws_call else "http_requests")
        try:
            if rnd.random() < 0.4:
                call("validation_validate", [INPUT, prestate])
                bump("validations")
            else:
                run = call("validation_createExecutionRun", [prestate, INPUT])
                bump("execution_runs")
                hashes = call("validation_getMachineHashesWithStepSize", [run, 0, rnd.choice([1, 7, 1000]), 2000])
                bump("hash_queries")
                call("validation_getProofAt", [run, rnd.randrange(0, max(1, len(hashes)))])
                bump("proofs")
                call("validation_closeExec", [run])
        except Exception as e:
            bump("rpc_errors")
            with lock:
                errors.append(str(e)[:200])
            time.sleep(0.5)


def redis_worker():
    while not stop.is_set():
        r = subprocess.run([fpvm, "submit", "--redis-url", rurl, "--prestate", prestate, "--input", work + "/input.json",
                            "--timeout", "5m"], capture_output=True, text=True)
        bump("redis_jobs")
        added = re.search(r"submit: added (\S+) entry (\S+)", r.stderr)
        if added:
            with lock:
                submitted.append((added.group(2), r.returncode))
        if r.returncode != 0:
            # Refused before its entry was added (redis-server restarting: refused connections,
            # LOADING): the client was told and nothing was queued. A failure after the entry was
            # added is a lost job. (An entry added despite a lost XADD reply would show up as a
            # result nobody submitted.)
            bump("redis_job_failures" if added else "redis_submit_refused")
            with lock:
                errors.append("submit: " + r.stderr[-200:])
            time.sleep(0.2)


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def health():
    worst = 0.0
    while not stop.is_set():
        t = time.time()
        try:
            c = http.client.HTTPConnection("127.0.0.1", hport, timeout=10)
            c.request("GET", "/health")
            ok = c.getresponse().status == 200
            c.close()
        except Exception:
            ok = False
        bump("health_polls")
        if not ok:
            bump("health_failures")
        worst = max(worst, time.time() - t)
        stats["health_worst_seconds"] = round(worst, 3)
        time.sleep(1)


time.sleep(2)
threads = [threading.Thread(target=rpc_worker, args=(i,)) for i in range(3)] + [threading.Thread(target=redis_worker) for _ in range(2)]
threads.append(threading.Thread(target=health))
for t in threads:
    t.start()
start = time.time()
rss_after_warmup = None
rss_samples = []
next_kill, next_redis = start + KILL_EVERY, start + REDIS_EVERY
try:
    while time.time() - start < duration:
        time.sleep(1)
        now = time.time()
        rss_samples.append(rss_kb(server.pid))
        if rss_after_warmup is None and now - start >= warmup:
            rss_after_warmup = rss_kb(server.pid)
        if now >= next_kill:
            i = random.randrange(len(consumers))
            consumers[i].send_signal(signal.SIGKILL)
            consumers[i].wait()
            consumers[i] = start_consumer(i)
            bump("consumer_kills")
            next_kill += KILL_EVERY
        if now >= next_redis:
            redis.terminate()
            redis.wait()
            redis = start_redis()
            bump("redis_restarts")
            next_redis += REDIS_EVERY
finally:
    stop.set()
    for t in threads:
        t.join(600)
# Let the server settle (idle runs closed, caches trimmed) before the final RSS.
time.sleep(20)
rss_end = rss_kb(server.pid)

cli = lambda *a: subprocess.run(["redis-cli", "-p", str(rport)] + list(a), capture_output=True, text=True).stdout.split()
stream = "stream:" + prestate
entries = [x for x in cli("XRANGE", stream, "-", "+") if "-" in x and x[0].isdigit()]
results = set(k.split(".", 1)[1] for k in cli("KEYS", "result-key:*"))
errkeys = set(k.split(".", 1)[1] for k in cli("KEYS", "error-key:*"))
pending = cli("XPENDING", stream, stream)
stats.update({
    "seconds": round(time.time() - start), "warmup_seconds": warmup,
    "server_rss_kb": {"after_warmup": rss_after_warmup, "max": max(rss_samples), "end": rss_end},
    "rss_end_vs_warmup_percent": round(100.0 * (rss_end - rss_after_warmup) / rss_after_warmup, 1) if rss_after_warmup else None,
    "stream_entries": len(entries), "entries_without_result": len([e for e in entries if e not in results]),
    "error_keys": len(errkeys), "pending": pending[0] if pending else None, "errors_sample": errors[:5],
    # Exactly once, by entry id: each added job has one result (results are stored with SET NX, so
    # a job run twice after a consumer was killed still has one) and no error.
    "submitted_entries": len(submitted),
    "submitted_without_result": len([i for i, _ in submitted if i not in results]),
    "submitted_with_error": len([i for i, _ in submitted if i in errkeys]),
    "submitted_then_failed": len([i for i, rc in submitted if rc != 0]),
    "results_not_submitted": len(results - set(i for i, _ in submitted)),
})
cleanup()
ok = (stats["health_failures"] == 0 and stats["redis_job_failures"] == 0 and stats["entries_without_result"] == 0 and
      stats["error_keys"] == 0 and stats["submitted_without_result"] == 0 and stats["submitted_with_error"] == 0 and
      stats["submitted_then_failed"] == 0 and rss_after_warmup and abs(rss_end - rss_after_warmup) <= 0.10 * rss_after_warmup)
stats["ok"] = bool(ok)
print(json.dumps(stats, indent=2))
sys.exit(0 if ok else 1)
