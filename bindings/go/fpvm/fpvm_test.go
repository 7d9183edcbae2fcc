package fpvm

// In-process versions of what the command-line tests check, through libfpvm:
//   - every riscv-test: step count and final state hash from the RISC-V spec's vectors
//     (tests/conformance/riscv_tests_vectors.inc; needs ../shared, skipped loudly without it);
//   - one-step proofs that verify, on both machines, and a tampered one that does not;
//   - a fault-proof program (the example rollup) reading its pre-images through a Go Oracle,
//     with the same verdict and state hash as from a data directory;
//   - errors across the boundary: bad ELF, a failing Oracle, a broken machine.
// Environment (set by tests/capi/go_test.sh): FPVM_SOURCE_DIR, FPVM_SHARED_DIR, FPVM_ROLLUP_ELF,
// FPVM_ROLLUP_CHAIN, FPVM_MIPS64_PREIMAGE_ELF.

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func env(t *testing.T, name string) string {
	v := os.Getenv(name)
	if v == "" {
		t.Skipf("SKIPPED: %s is not set", name)
	}
	if _, err := os.Stat(v); err != nil {
		t.Skipf("SKIPPED: %s (%s) not found", name, v)
	}
	return v
}

func TestVersion(t *testing.T) {
	if ABIVersion() != 1 || Version() == "" {
		t.Fatalf("version %q ABI %d", Version(), ABIVersion())
	}
}

func TestRiscvTestsStepsAndHashes(t *testing.T) {
	src := env(t, "FPVM_SOURCE_DIR")
	shared := env(t, "FPVM_SHARED_DIR")
	f, err := os.Open(filepath.Join(src, "tests/conformance/riscv_tests_vectors.inc"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	line := regexp.MustCompile(`^\{"(\w+)", "(\w+)", (\d+), "([0-9a-f]{64})"`)
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		elf, err := os.ReadFile(filepath.Join(shared, "testdata/riscv-tests/rv64"+m[1]+"-p", "rv64"+m[1]+"-p-"+m[2]))
		if err != nil {
			t.Fatalf("%s/%s: %v", m[1], m[2], err)
		}
		steps, _ := strconv.ParseUint(m[3], 10, 64)
		mach, err := LoadELF(elf, true)
		if err != nil {
			t.Fatalf("%s: %v", m[2], err)
		}
		r, err := mach.Run(ToEnd, Fast, time.Minute)
		if err != nil || r.Stop != Exited {
			t.Fatalf("%s: %v %+v", m[2], err, r)
		}
		h, _ := mach.StateHash()
		if mach.Step() != steps || hex.EncodeToString(h[:]) != m[4] {
			t.Errorf("%s/%s: %d steps, hash %x; want %d, %s", m[1], m[2], mach.Step(), h, steps, m[4])
		}
		mach.Close()
		n++
	}
	if n < 80 {
		t.Fatalf("only %d vectors read", n)
	}
	t.Logf("%d riscv-tests: step counts and state hashes as the spec lists them", n)
}

// mapOracle serves pre-images from a map and records the hints; with fail set, it fails.
type mapOracle struct {
	values map[[32]byte][]byte
	hints  int
	fail   bool
}

func (o *mapOracle) Hint([]byte) error { o.hints++; return nil }
func (o *mapOracle) GetPreimage(key [32]byte) ([]byte, error) {
	if o.fail {
		return nil, errors.New("the host is down")
	}
	v, ok := o.values[key]
	if !ok {
		return nil, errors.New("missing")
	}
	return v, nil
}

// chainOracle is what an op-program host does: local boot values from the boot file, keccak
// pre-images from the data directory, read through the Go callback.
func chainOracle(t *testing.T, chain, boot string) *mapOracle {
	o := &mapOracle{values: map[[32]byte][]byte{}}
	dir := filepath.Join(chain, "preimages")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		text, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		value, err := hex.DecodeString(string(trimHex(text)))
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		// op-program's data directory names each file after its key: 0x<64 hex>.txt.
		name := strings.TrimSuffix(e.Name(), ".txt")
		raw, err := hex.DecodeString(string(trimHex([]byte(name))))
		if err != nil || len(raw) != 32 {
			t.Fatalf("%s: not a key file name", e.Name())
		}
		var key [32]byte
		copy(key[:], raw)
		o.values[key] = value
	}
	var locals map[string]string
	raw, err := os.ReadFile(boot)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &locals); err != nil {
		t.Fatal(err)
	}
	for idx, v := range locals {
		i, _ := strconv.ParseUint(idx, 10, 64)
		var key [32]byte
		key[0] = 1
		for b := 0; b < 8; b++ {
			key[31-b] = byte(i >> (8 * b))
		}
		value, err := hex.DecodeString(string(trimHex([]byte(v))))
		if err != nil {
			t.Fatal(err)
		}
		o.values[key] = value
	}
	return o
}

func trimHex(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	if len(b) >= 2 && b[0] == '0' && (b[1] == 'x' || b[1] == 'X') {
		b = b[2:]
	}
	return b
}

func TestRollupThroughGoOracle(t *testing.T) {
	elfPath := env(t, "FPVM_ROLLUP_ELF")
	chain := env(t, "FPVM_ROLLUP_CHAIN")
	elf, _ := os.ReadFile(elfPath)
	for _, c := range []struct {
		boot string
		exit uint8
	}{{"boot-valid.json", 0}, {"boot-invalid.json", 1}} {
		boot := filepath.Join(chain, c.boot)
		viaGo, err := LoadELF(elf, false)
		if err != nil {
			t.Fatal(err)
		}
		oracle := chainOracle(t, chain, boot)
		var out []byte
		if err := viaGo.SetOracle(oracle); err != nil {
			t.Fatal(err)
		}
		viaGo.SetOutput(func(fd int, p []byte) { out = append(out, p...) })
		if r, err := viaGo.Run(ToEnd, Fast, time.Minute); err != nil || r.Stop != Exited {
			t.Fatalf("%s: %v %+v", c.boot, err, r)
		}
		viaDir, _ := LoadELF(elf, false)
		if err := viaDir.SetPreimageDir(filepath.Join(chain, "preimages"), boot); err != nil {
			t.Fatal(err)
		}
		if _, err := viaDir.Run(ToEnd, Fast, time.Minute); err != nil {
			t.Fatal(err)
		}
		a, _ := viaGo.StateHash()
		b, _ := viaDir.StateHash()
		if viaGo.ExitCode() != c.exit || a != b || oracle.hints == 0 || len(out) == 0 {
			t.Errorf("%s: exit %d (want %d), hashes %x / %x, %d hints, %d output bytes", c.boot, viaGo.ExitCode(), c.exit, a, b, oracle.hints, len(out))
		}
		t.Logf("%s: exit %d after %d steps, %d hints through the Go oracle", c.boot, viaGo.ExitCode(), viaGo.Step(), oracle.hints)
		viaGo.Close()
		viaDir.Close()
	}
}

func TestProofsVerifyOnBothMachines(t *testing.T) {
	for _, c := range []struct {
		env  string
		isa  ISA
		bare bool
	}{{"FPVM_ROLLUP_ELF", RISCV64, false}, {"FPVM_MIPS64_PREIMAGE_ELF", MIPS64, false}} {
		elf, _ := os.ReadFile(env(t, c.env))
		m, err := LoadELF(elf, c.bare)
		if err != nil {
			t.Fatal(err)
		}
		if m.ISA() != c.isa {
			t.Fatalf("ISA %v, want %v", m.ISA(), c.isa)
		}
		for i := 0; i < 300; i++ {
			p, r, err := m.ProveStep()
			if err != nil {
				break // the first pre-image read: no oracle set
			}
			if r.Stop == Reverted {
				t.Fatalf("step %d reverted: %s", p.Step, r.Revert)
			}
			post, err := VerifyStep(&p)
			now, _ := m.StateHash()
			if err != nil || post != now || p.Post != now {
				t.Fatalf("%v step %d: %v, post %x, machine %x", c.isa, p.Step, err, post, now)
			}
			if i == 0 {
				p.ProofData[len(p.ProofData)/3] ^= 0x40
				if bad, err := VerifyStep(&p); err == nil && bad == now {
					t.Fatalf("%v: a tampered proof verified with the honest post hash", c.isa)
				}
			}
		}
		t.Logf("%v: %d steps proved and verified", c.isa, m.Step())
		m.Close()
	}
}

func TestErrorsAcrossTheBoundary(t *testing.T) {
	if _, err := LoadELF([]byte("definitely not an ELF"), false); err == nil {
		t.Fatal("garbage loaded")
	} else if e := new(Error); !errors.As(err, &e) || e.Status != StatusBadInput || e.Message == "" {
		t.Fatalf("error %v", err)
	}
	if _, err := LoadStateFile("/nonexistent.bin.gz"); err == nil || err.(*Error).Status != StatusIO {
		t.Fatalf("error %v", err)
	}
	if _, err := VerifySegment([]byte{1, 2, 3}, 0); err == nil || err.(*Error).Status != StatusVerifyFailed {
		t.Fatalf("error %v", err)
	}
	elf, _ := os.ReadFile(env(t, "FPVM_MIPS64_PREIMAGE_ELF"))
	m, _ := LoadELF(elf, false)
	defer m.Close()
	m.SetOracle(&mapOracle{fail: true})
	if _, err := m.Run(ToEnd, Fast, 0); err == nil || err.(*Error).Status != StatusOracle {
		t.Fatalf("failing oracle: %v", err)
	}
	if _, err := m.Run(ToEnd, Fast, 0); err == nil || err.(*Error).Status != StatusBroken {
		t.Fatalf("broken machine: %v", err)
	}
}
