// challenger plays the challenger's side of one dispute step in process, through libfpvm: two
// parties run the same prestate with different inputs (the defender's boot values claim another
// output root), the challenger bisects over their state hashes to the first step on which they
// disagree, proves that step from the agreed pre-state and checks the proof statelessly as the
// on-chain contract would — the proven post-state is the challenger's, not the defender's.
//
//	challenger -elf rollup.elf -chain CHAIN_DIR [-honest boot-valid.json] [-defender boot-invalid.json]
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"fpvm.binding/fpvm"
)

// party answers "what is your state hash after step n" from its own run of the prestate.
type party struct {
	name  string
	elf   []byte
	chain string
	boot  string
}

func (p party) machineAt(step uint64) (*fpvm.Machine, error) {
	m, err := fpvm.LoadELF(p.elf, false)
	if err != nil {
		return nil, err
	}
	if err := m.SetPreimageDir(filepath.Join(p.chain, "preimages"), p.boot); err != nil {
		m.Close()
		return nil, err
	}
	if _, err := m.Run(step, fpvm.Fast, time.Minute); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

func (p party) hashAt(step uint64) ([32]byte, uint64, error) {
	m, err := p.machineAt(step)
	if err != nil {
		return [32]byte{}, 0, err
	}
	defer m.Close()
	h, err := m.StateHash()
	return h, m.Step(), err
}

func run() error {
	elfPath := flag.String("elf", "", "the fault-proof program (ELF)")
	chain := flag.String("chain", "", "chain data written by fpvm-rollup-host generate")
	honest := flag.String("honest", "boot-valid.json", "the challenger's boot values (in -chain)")
	defender := flag.String("defender", "boot-invalid.json", "the defender's boot values (in -chain)")
	flag.Parse()
	if *elfPath == "" || *chain == "" {
		return fmt.Errorf("usage: challenger -elf ELF -chain DIR")
	}
	elf, err := os.ReadFile(*elfPath)
	if err != nil {
		return err
	}
	me := party{"challenger", elf, *chain, filepath.Join(*chain, *honest)}
	them := party{"defender", elf, *chain, filepath.Join(*chain, *defender)}

	// Both claim a final state; the challenger disputes the defender's.
	myEnd, myLast, err := me.hashAt(fpvm.ToEnd)
	if err != nil {
		return err
	}
	theirEnd, theirLast, err := them.hashAt(fpvm.ToEnd)
	if err != nil {
		return err
	}
	fmt.Printf("challenger: final state %x at step %d\ndefender:   final state %x at step %d\n", myEnd, myLast, theirEnd, theirLast)
	if myEnd == theirEnd {
		return fmt.Errorf("the parties agree: nothing to dispute")
	}

	// Bisection: agree at lo, disagree at hi.
	lo, hi := uint64(0), myLast
	if theirLast > hi {
		hi = theirLast
	}
	rounds := 0
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		a, _, err := me.hashAt(mid)
		if err != nil {
			return err
		}
		b, _, err := them.hashAt(mid)
		if err != nil {
			return err
		}
		if a == b {
			lo = mid
		} else {
			hi = mid
		}
		rounds++
	}
	theirPost, _, err := them.hashAt(hi)
	if err != nil {
		return err
	}
	fmt.Printf("bisection: %d rounds; the parties agree after step %d and disagree after step %d\n", rounds, lo, hi)

	// The one-step proof of step lo → lo+1 from the agreed pre-state.
	m, err := me.machineAt(lo)
	if err != nil {
		return err
	}
	defer m.Close()
	proof, result, err := m.ProveStep()
	if err != nil {
		return err
	}
	if result.Stop == fpvm.Reverted {
		return fmt.Errorf("the disputed step reverts: %s", result.Revert)
	}
	post, err := fpvm.VerifyStep(&proof)
	if err != nil {
		return fmt.Errorf("the proof does not verify: %w", err)
	}
	fmt.Printf("one-step proof of step %d: %d bytes of state, %d bytes of proof", proof.Step, len(proof.StateData), len(proof.ProofData))
	if proof.OracleKey != nil {
		fmt.Printf(", pre-image %x at offset %d", proof.OracleKey[:], proof.OracleOffset)
	}
	fmt.Printf("\nthe contract's post-state: %x\ndefender's claim:          %x\n", post, theirPost)
	if post != proof.Post || bytes.Equal(post[:], theirPost[:]) {
		return fmt.Errorf("the proof does not settle the dispute")
	}
	fmt.Println("verdict: the defender's claim is refuted on chain; the challenger wins")
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}
