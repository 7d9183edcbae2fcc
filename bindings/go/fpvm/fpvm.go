// Package fpvm runs fault-proof VM programs in process through libfpvm (include/fpvm/fpvm.h):
// RISC-V (Asterisc) and MIPS64 (Cannon MT64) machines, their state hashes, one-step proofs and
// segment proofs, with pre-images from a Go Oracle or an op-program data directory.
//
// Build with cgo against an installed libfpvm (pkg-config name "fpvm"):
//
//	PKG_CONFIG_PATH=<prefix>/lib/pkgconfig go build
//
// A Machine is not safe for concurrent use, except Interrupt. Close releases it.
package fpvm

/*
#cgo pkg-config: fpvm
#include <stdlib.h>
#include <fpvm/fpvm.h>

int fpvmGoTrampolineHint(void* user, const uint8_t* hint, size_t len);
int fpvmGoTrampolinePreimage(void* user, const uint8_t key[32], const uint8_t** data, size_t* len);
void fpvmGoTrampolineOutput(void* user, int fd, const uint8_t* data, size_t len);

static fpvm_status fpvm_go_set_oracle(fpvm_machine* m, uintptr_t handle) {
	fpvm_oracle_callbacks cb = {(void*)handle, fpvmGoTrampolineHint, fpvmGoTrampolinePreimage};
	return fpvm_machine_set_oracle(m, &cb);
}
static fpvm_status fpvm_go_set_output(fpvm_machine* m, uintptr_t handle) {
	return fpvm_machine_set_output(m, (void*)handle, fpvmGoTrampolineOutput);
}
*/
import "C"

import (
	"fmt"
	"math"
	"runtime"
	"runtime/cgo"
	"time"
	"unsafe"
)

// ISA is a machine's instruction set.
type ISA int

const (
	RISCV64 ISA = C.FPVM_ISA_RISCV64 // Asterisc's RV64IMA machine
	MIPS64  ISA = C.FPVM_ISA_MIPS64  // Cannon's MT64 machine, state version 8
)

func (i ISA) String() string {
	switch i {
	case RISCV64:
		return "riscv64"
	case MIPS64:
		return "mips64"
	}
	return fmt.Sprintf("ISA(%d)", int(i))
}

// Engine selects how Run executes.
type Engine int

const (
	Fast      Engine = C.FPVM_ENGINE_FAST
	Proving   Engine = C.FPVM_ENGINE_PROVING
	Reference Engine = C.FPVM_ENGINE_REFERENCE
)

// Status is libfpvm's result code.
type Status int

const (
	StatusInvalidArgument Status = C.FPVM_ERR_INVALID_ARGUMENT
	StatusBadInput        Status = C.FPVM_ERR_BAD_INPUT
	StatusIO              Status = C.FPVM_ERR_IO
	StatusOracle          Status = C.FPVM_ERR_ORACLE
	StatusBroken          Status = C.FPVM_ERR_BROKEN
	StatusUnsupported     Status = C.FPVM_ERR_UNSUPPORTED
	StatusVerifyFailed    Status = C.FPVM_ERR_VERIFY_FAILED
	StatusInternal        Status = C.FPVM_ERR_INTERNAL
)

// Error is a failed libfpvm call: its status and message.
type Error struct {
	Status  Status
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("fpvm: %s: %s", C.GoString(C.fpvm_status_name(C.fpvm_status(e.Status))), e.Message)
}

// check turns a status into an *Error with this thread's message. The caller must have locked
// the OS thread around the call (the message is per thread).
func check(s C.fpvm_status) error {
	if s == C.FPVM_OK {
		return nil
	}
	return &Error{Status: Status(s), Message: C.GoString(C.fpvm_last_error())}
}

// call runs a libfpvm call on a locked OS thread, so that its error message is this call's.
func call(f func() C.fpvm_status) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return check(f())
}

// Version is libfpvm's version string.
func Version() string { return C.GoString(C.fpvm_version()) }

// ABIVersion is the library's ABI version (this package needs 1).
func ABIVersion() uint32 { return uint32(C.fpvm_abi_version()) }

// Machine is one VM with its host side.
type Machine struct {
	m      *C.fpvm_machine
	host   *host
	handle cgo.Handle
}

func wrap(m *C.fpvm_machine) *Machine {
	mm := &Machine{m: m, host: &host{}}
	mm.handle = cgo.NewHandle(mm.host)
	runtime.SetFinalizer(mm, (*Machine).Close)
	return mm
}

// LoadELF makes a machine from an ELF image; the instruction set comes from the ELF. With bare,
// only the segments are loaded (no initial stack, no Go patches: the riscv-tests harness path).
func LoadELF(elf []byte, bare bool) (*Machine, error) {
	var m *C.fpvm_machine
	var p *C.uint8_t
	if len(elf) > 0 {
		p = (*C.uint8_t)(unsafe.Pointer(&elf[0]))
	}
	flags := C.uint32_t(0)
	if bare {
		flags = C.FPVM_LOAD_BARE
	}
	if err := call(func() C.fpvm_status { return C.fpvm_machine_load_elf_flags(p, C.size_t(len(elf)), flags, &m) }); err != nil {
		return nil, err
	}
	return wrap(m), nil
}

// LoadStateFile makes a machine from a state file: RISC-V .bin, .bin.gz, .json, .json.gz, or
// Cannon MT64 .bin/.bin.gz.
func LoadStateFile(path string) (*Machine, error) {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var m *C.fpvm_machine
	if err := call(func() C.fpvm_status { return C.fpvm_machine_load_state_file(cpath, &m) }); err != nil {
		return nil, err
	}
	return wrap(m), nil
}

// Close frees the machine. It is safe to call more than once.
func (m *Machine) Close() {
	if m.m == nil {
		return
	}
	C.fpvm_machine_free(m.m)
	m.m = nil
	m.host.release()
	m.handle.Delete()
	runtime.SetFinalizer(m, nil)
}

// Clone is an independent copy of the state, without oracle or output.
func (m *Machine) Clone() (*Machine, error) {
	var c *C.fpvm_machine
	if err := call(func() C.fpvm_status { return C.fpvm_machine_clone(m.m, &c) }); err != nil {
		return nil, err
	}
	return wrap(c), nil
}

func (m *Machine) ISA() ISA        { return ISA(C.fpvm_machine_isa(m.m)) }
func (m *Machine) Step() uint64    { return uint64(C.fpvm_machine_step(m.m)) }
func (m *Machine) PC() uint64      { return uint64(C.fpvm_machine_pc(m.m)) }
func (m *Machine) Exited() bool    { return C.fpvm_machine_exited(m.m) != 0 }
func (m *Machine) ExitCode() uint8 { return uint8(C.fpvm_machine_exit_code(m.m)) }

// StateHash is the 32-byte state hash (byte 0 is the status).
func (m *Machine) StateHash() ([32]byte, error) {
	var h [32]byte
	err := call(func() C.fpvm_status { return C.fpvm_machine_state_hash(m.m, (*C.uint8_t)(unsafe.Pointer(&h[0]))) })
	return h, err
}

// Witness is the state witness (362 bytes RISC-V, 188 bytes MIPS64).
func (m *Machine) Witness() ([]byte, error) {
	buf := make([]byte, 512)
	var n C.size_t
	err := call(func() C.fpvm_status {
		return C.fpvm_machine_witness(m.m, (*C.uint8_t)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &n)
	})
	if err != nil {
		return nil, err
	}
	return buf[:n], nil
}

// WriteState writes the state file atomically (format from the name).
func (m *Machine) WriteState(path string) error {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	return call(func() C.fpvm_status { return C.fpvm_machine_write_state(m.m, cpath) })
}

// SetOracle serves pre-images and hints from o (nil: none).
func (m *Machine) SetOracle(o Oracle) error {
	m.host.oracle = o
	return call(func() C.fpvm_status { return C.fpvm_go_set_oracle(m.m, C.uintptr_t(m.handle)) })
}

// SetPreimageDir serves pre-images from an op-program data directory and local boot values from
// a JSON file (empty: none).
func (m *Machine) SetPreimageDir(dir, localJSON string) error {
	cdir := C.CString(dir)
	defer C.free(unsafe.Pointer(cdir))
	var clocal *C.char
	if localJSON != "" {
		clocal = C.CString(localJSON)
		defer C.free(unsafe.Pointer(clocal))
	}
	m.host.oracle = nil
	return call(func() C.fpvm_status { return C.fpvm_machine_set_preimage_dir(m.m, cdir, clocal) })
}

// SetOutput receives the guest's writes to fd 1 and 2 (nil: dropped).
func (m *Machine) SetOutput(w func(fd int, data []byte)) error {
	m.host.output = w
	return call(func() C.fpvm_status { return C.fpvm_go_set_output(m.m, C.uintptr_t(m.handle)) })
}

// Stop says why Run returned.
type Stop int

const (
	Reached     Stop = C.FPVM_STOP_REACHED
	Exited      Stop = C.FPVM_STOP_EXITED
	Reverted    Stop = C.FPVM_STOP_REVERTED
	Interrupted Stop = C.FPVM_STOP_INTERRUPTED
	TimeLimit   Stop = C.FPVM_STOP_TIME_LIMIT
)

// RunResult is what Run and ProveStep report.
type RunResult struct {
	Stop       Stop
	Step       uint64
	RevertStep uint64 // Stop == Reverted: the invalid step's pre-state step
	RevertPC   uint64
	Revert     string // the on-chain verifier's name for the reason
}

func toRunResult(r *C.fpvm_run_result) RunResult {
	return RunResult{Stop: Stop(r.stop), Step: uint64(r.step), RevertStep: uint64(r.revert_step),
		RevertPC: uint64(r.revert_pc), Revert: C.GoString(&r.revert[0])}
}

// ToEnd is the target step that runs a program to its exit.
const ToEnd = math.MaxUint64

// Run runs to step target (ToEnd: the exit), a revert, Interrupt or timeLimit (0: none).
func (m *Machine) Run(target uint64, engine Engine, timeLimit time.Duration) (RunResult, error) {
	var r C.fpvm_run_result
	err := call(func() C.fpvm_status {
		return C.fpvm_machine_run(m.m, C.uint64_t(target), C.fpvm_engine(engine), C.uint64_t(timeLimit.Milliseconds()), &r)
	})
	return toRunResult(&r), err
}

// Interrupt makes a Run in progress on another goroutine stop soon (and the next one, until
// ClearInterrupt). Safe for concurrent use.
func (m *Machine) Interrupt()      { C.fpvm_machine_interrupt(m.m) }
func (m *Machine) ClearInterrupt() { C.fpvm_machine_clear_interrupt(m.m) }

// StepProof is a one-step proof: what the on-chain step() needs.
type StepProof struct {
	ISA          ISA
	Step         uint64
	Pre, Post    [32]byte
	StateData    []byte
	ProofData    []byte
	OracleKey    *[32]byte // set when the step read a pre-image
	OracleValue  []byte    // BE u64 length ‖ pre-image
	OracleOffset uint64
}

func goBytes(b C.fpvm_bytes) []byte { return C.GoBytes(unsafe.Pointer(b.data), C.int(b.len)) }

// ProveStep executes one step (reference interpreter) and returns its proof.
func (m *Machine) ProveStep() (StepProof, RunResult, error) {
	var p C.fpvm_step_proof
	var r C.fpvm_run_result
	err := call(func() C.fpvm_status { return C.fpvm_machine_prove_step(m.m, &p, &r) })
	if err != nil {
		return StepProof{}, RunResult{}, err
	}
	defer C.fpvm_step_proof_free(&p)
	out := StepProof{ISA: ISA(p.isa), Step: uint64(p.step), StateData: goBytes(p.state_data), ProofData: goBytes(p.proof_data)}
	copy(out.Pre[:], C.GoBytes(unsafe.Pointer(&p.pre[0]), 32))
	copy(out.Post[:], C.GoBytes(unsafe.Pointer(&p.post[0]), 32))
	if p.has_oracle != 0 {
		var k [32]byte
		copy(k[:], C.GoBytes(unsafe.Pointer(&p.oracle_key[0]), 32))
		out.OracleKey = &k
		out.OracleValue = goBytes(p.oracle_value)
		out.OracleOffset = uint64(p.oracle_offset)
	}
	return out, toRunResult(&r), nil
}

// cBytes copies b into C memory (freed by the caller) as an fpvm_bytes.
func cBytes(b []byte) C.fpvm_bytes {
	if len(b) == 0 {
		return C.fpvm_bytes{}
	}
	return C.fpvm_bytes{data: (*C.uint8_t)(C.CBytes(b)), len: C.size_t(len(b))}
}

// VerifyStep checks a one-step proof statelessly, as the machine's contract would, and returns
// the post-state hash; a step the contract reverts on gives an *Error with StatusVerifyFailed.
func VerifyStep(p *StepProof) ([32]byte, error) {
	var post [32]byte
	cp := C.fpvm_step_proof{isa: C.fpvm_isa(p.ISA), step: C.uint64_t(p.Step), state_data: cBytes(p.StateData),
		proof_data: cBytes(p.ProofData)}
	defer C.fpvm_step_proof_free(&cp)
	if p.OracleKey != nil {
		cp.has_oracle = 1
		for i, b := range p.OracleKey {
			cp.oracle_key[i] = C.uint8_t(b)
		}
		cp.oracle_value = cBytes(p.OracleValue)
		cp.oracle_offset = C.uint64_t(p.OracleOffset)
	}
	err := call(func() C.fpvm_status { return C.fpvm_verify_step(&cp, (*C.uint8_t)(unsafe.Pointer(&post[0]))) })
	return post, err
}

// ProveSegment steps to step `to` (or the exit) and returns the encoded segment proof (RISC-V).
func (m *Machine) ProveSegment(to uint64) ([]byte, error) {
	var b C.fpvm_bytes
	if err := call(func() C.fpvm_status { return C.fpvm_machine_prove_segment(m.m, C.uint64_t(to), &b) }); err != nil {
		return nil, err
	}
	defer C.fpvm_bytes_free(&b)
	return goBytes(b), nil
}

// SegmentResult is what a verified segment proof establishes.
type SegmentResult struct {
	Pre, Post         [32]byte
	FromStep, EndStep uint64
	Exited            bool
}

// VerifySegment re-executes an encoded segment proof claiming at most maxSteps steps (0: any).
func VerifySegment(proof []byte, maxSteps uint64) (SegmentResult, error) {
	var r C.fpvm_segment_result
	var p *C.uint8_t
	if len(proof) > 0 {
		p = (*C.uint8_t)(unsafe.Pointer(&proof[0]))
	}
	if err := call(func() C.fpvm_status { return C.fpvm_verify_segment(p, C.size_t(len(proof)), C.uint64_t(maxSteps), &r) }); err != nil {
		return SegmentResult{}, err
	}
	out := SegmentResult{FromStep: uint64(r.from_step), EndStep: uint64(r.end_step), Exited: r.exited != 0}
	copy(out.Pre[:], C.GoBytes(unsafe.Pointer(&r.pre[0]), 32))
	copy(out.Post[:], C.GoBytes(unsafe.Pointer(&r.post[0]), 32))
	return out, nil
}
