// costbench measures what one query costs an embedding program three ways, in one run, on the
// same prestate and input: the state hash after step S, and the one-step proof of step S, for
// consecutive steps S from the middle of the trace (the pattern of a bisection's last rounds):
//
//   - in process through the Go binding (one machine kept and moved forward);
//   - one `fpvm` CLI process per query (run from the prestate to S, proof and witness files);
//   - JSON-RPC to `fpvm serve` (one execution run; validation_getStepAt / validation_getProofAt).
//
// Prints a table and writes JSON (-out). Driven by bench/binding_cost.sh.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"fpvm.binding/fpvm"
)

type options struct {
	fpvmBin, prestate, chain, rpcURL, input, out string
	queries, cliQueries                          int
}

type result struct {
	Method       string  `json:"method"`
	Setup        float64 `json:"setupSeconds"`
	HashQueryUs  float64 `json:"hashQueryMicroseconds"`
	ProofQueryUs float64 `json:"proofQueryMicroseconds"`
	Queries      int     `json:"queries"`
	FirstStep    uint64  `json:"firstStep"`
	TraceSteps   uint64  `json:"traceSteps"`
}

func rpc(url, method string, params []any) (json.RawMessage, error) {
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, err
	}
	if out.Error != nil {
		return nil, fmt.Errorf("%s: %d %s", method, out.Error.Code, out.Error.Message)
	}
	return out.Result, nil
}

func binding(o options, traceSteps uint64) (result, map[uint64]string, error) {
	t0 := time.Now()
	m, err := fpvm.LoadStateFile(o.prestate)
	if err != nil {
		return result{}, nil, err
	}
	defer m.Close()
	if err := m.SetPreimageDir(filepath.Join(o.chain, "preimages"), filepath.Join(o.chain, "boot-valid.json")); err != nil {
		return result{}, nil, err
	}
	first := traceSteps / 2
	if _, err := m.Run(first, fpvm.Fast, 0); err != nil {
		return result{}, nil, err
	}
	setup := time.Since(t0).Seconds()
	hashes := map[uint64]string{}
	// Hash queries: step forward one step and hash.
	h := m
	t1 := time.Now()
	for i := 0; i < o.queries; i++ {
		if _, err := h.Run(first+uint64(i), fpvm.Fast, 0); err != nil {
			return result{}, nil, err
		}
		sum, err := h.StateHash()
		if err != nil {
			return result{}, nil, err
		}
		hashes[first+uint64(i)] = fmt.Sprintf("0x%x", sum)
	}
	hashUs := float64(time.Since(t1).Microseconds()) / float64(o.queries)
	// Proof queries: prove the step at the machine's position (which moves it one step).
	t2 := time.Now()
	for i := 0; i < o.queries; i++ {
		p, _, err := h.ProveStep()
		if err != nil {
			return result{}, nil, err
		}
		if _, err := fpvm.VerifyStep(&p); err != nil {
			return result{}, nil, err
		}
	}
	proofUs := float64(time.Since(t2).Microseconds()) / float64(o.queries)
	return result{"go binding (in process)", setup, hashUs, proofUs, o.queries, first, traceSteps}, hashes, nil
}

func cli(o options, first, traceSteps uint64, want map[uint64]string) (result, error) {
	dir, err := os.MkdirTemp("", "costbench")
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(dir)
	args := func(step uint64, extra ...string) []string {
		a := []string{"run", "--input", o.prestate, "--meta", "", "--info-at", "never", "--guest-stdout", "/dev/null",
			"--preimage-dir", filepath.Join(o.chain, "preimages"), "--local-file", filepath.Join(o.chain, "boot-valid.json"),
			"--stop-at", fmt.Sprintf("=%d", step)}
		return append(a, extra...)
	}
	t1 := time.Now()
	for i := 0; i < o.cliQueries; i++ {
		step := first + uint64(i)
		out := filepath.Join(dir, "s.json")
		if err := exec.Command(o.fpvmBin, args(step, "--output", out)...).Run(); err != nil {
			return result{}, fmt.Errorf("fpvm run: %w", err)
		}
		w, err := exec.Command(o.fpvmBin, "witness", "--input", out).Output()
		if err != nil {
			return result{}, err
		}
		var wj struct {
			StateHash string `json:"stateHash"`
		}
		if err := json.Unmarshal(w, &wj); err != nil || wj.StateHash != want[step] {
			return result{}, fmt.Errorf("CLI hash at %d: %s, binding %s (%v)", step, wj.StateHash, want[step], err)
		}
	}
	hashUs := float64(time.Since(t1).Microseconds()) / float64(o.cliQueries)
	t2 := time.Now()
	for i := 0; i < o.cliQueries; i++ {
		step := first + uint64(i)
		if err := exec.Command(o.fpvmBin, args(step+1, "--proof-at", fmt.Sprintf("=%d", step), "--proof-fmt",
			filepath.Join(dir, "%d.json"))...).Run(); err != nil {
			return result{}, fmt.Errorf("fpvm run --proof-at: %w", err)
		}
	}
	proofUs := float64(time.Since(t2).Microseconds()) / float64(o.cliQueries)
	return result{"fpvm CLI (a process per query)", 0, hashUs, proofUs, o.cliQueries, first, traceSteps}, nil
}

func jsonRPC(o options, prestateHash string, first, traceSteps uint64, want map[uint64]string) (result, error) {
	var input any
	raw, err := os.ReadFile(o.input)
	if err != nil {
		return result{}, err
	}
	if err := json.Unmarshal(raw, &input); err != nil {
		return result{}, err
	}
	t0 := time.Now()
	idRaw, err := rpc(o.rpcURL, "validation_createExecutionRun", []any{prestateHash, input})
	if err != nil {
		return result{}, err
	}
	var id uint64
	json.Unmarshal(idRaw, &id)
	// The first query waits for the build.
	if _, err := rpc(o.rpcURL, "validation_getStepAt", []any{id, first}); err != nil {
		return result{}, err
	}
	setup := time.Since(t0).Seconds()
	t1 := time.Now()
	for i := 0; i < o.queries; i++ {
		step := first + uint64(i)
		r, err := rpc(o.rpcURL, "validation_getStepAt", []any{id, step})
		if err != nil {
			return result{}, err
		}
		var s struct{ Hash string }
		json.Unmarshal(r, &s)
		if s.Hash != want[step] {
			return result{}, fmt.Errorf("RPC hash at %d: %s, binding %s", step, s.Hash, want[step])
		}
	}
	hashUs := float64(time.Since(t1).Microseconds()) / float64(o.queries)
	t2 := time.Now()
	for i := 0; i < o.queries; i++ {
		if _, err := rpc(o.rpcURL, "validation_getProofAt", []any{id, first + uint64(i)}); err != nil {
			return result{}, err
		}
	}
	proofUs := float64(time.Since(t2).Microseconds()) / float64(o.queries)
	rpc(o.rpcURL, "validation_closeExec", []any{id})
	return result{"JSON-RPC (fpvm serve, one execution run)", setup, hashUs, proofUs, o.queries, first, traceSteps}, nil
}

func main() {
	var o options
	flag.StringVar(&o.fpvmBin, "fpvm", "fpvm", "the fpvm binary")
	flag.StringVar(&o.prestate, "prestate", "", "prestate file")
	flag.StringVar(&o.chain, "chain", "", "rollup chain data (preimages/, boot-valid.json)")
	flag.StringVar(&o.rpcURL, "rpc", "", "URL of fpvm serve (no auth)")
	flag.StringVar(&o.input, "input", "", "validation input JSON for the server")
	flag.StringVar(&o.out, "out", "", "write results as JSON here")
	flag.IntVar(&o.queries, "queries", 200, "queries per method in process and over JSON-RPC")
	flag.IntVar(&o.cliQueries, "cli-queries", 10, "queries through the CLI")
	prestateHash := flag.String("prestate-hash", "", "the prestate's hash (as the server knows it)")
	flag.Parse()

	full, err := fpvm.LoadStateFile(o.prestate)
	check(err)
	check(full.SetPreimageDir(filepath.Join(o.chain, "preimages"), filepath.Join(o.chain, "boot-valid.json")))
	_, err = full.Run(fpvm.ToEnd, fpvm.Fast, 0)
	check(err)
	traceSteps := full.Step()
	full.Close()

	b, hashes, err := binding(o, traceSteps)
	check(err)
	c, err := cli(o, b.FirstStep, traceSteps, hashes)
	check(err)
	r, err := jsonRPC(o, *prestateHash, b.FirstStep, traceSteps, hashes)
	check(err)
	results := []result{b, c, r}
	fmt.Printf("trace of %d steps; queries at steps %d.. (libfpvm %s)\n", traceSteps, b.FirstStep, fpvm.Version())
	fmt.Printf("%-42s %12s %16s %16s\n", "method", "setup s", "hash query µs", "proof query µs")
	for _, x := range results {
		fmt.Printf("%-42s %12.3f %16.1f %16.1f\n", x.Method, x.Setup, x.HashQueryUs, x.ProofQueryUs)
	}
	fmt.Printf("binding vs CLI: hash %.0fx, proof %.0fx; binding vs JSON-RPC: hash %.0fx, proof %.0fx\n",
		c.HashQueryUs/b.HashQueryUs, c.ProofQueryUs/b.ProofQueryUs, r.HashQueryUs/b.HashQueryUs, r.ProofQueryUs/b.ProofQueryUs)
	if o.out != "" {
		data, _ := json.MarshalIndent(results, "", "  ")
		check(os.WriteFile(o.out, data, 0o644))
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}
