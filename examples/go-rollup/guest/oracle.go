package main

// The guest side of the preimage oracle (spec §5, §6): hints go out on fd 4 and are acknowledged
// with one byte on fd 3; a key is written to fd 6 and its value (BE u64 length, then the bytes)
// is read back from fd 5. Inside fpvm a key write or a value read moves at most up to the next
// 32-byte boundary of the buffer, so every transfer loops until it is complete.

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"

	"golang.org/x/crypto/sha3"
)

// Exit codes: 0 claim valid, 1 claim invalid, >= 2 malformed data or oracle failure (the VM
// reports status "panic"). A Go panic is not used for these: an unrecovered panic makes the
// runtime sleep (nanosleep), which the VM does not provide.
const (
	exitValid     = 0
	exitInvalid   = 1
	exitBadData   = 2
	exitBadOracle = 3
)

var (
	hintRead      = os.NewFile(3, "hint-read")
	hintWrite     = os.NewFile(4, "hint-write")
	preimageRead  = os.NewFile(5, "preimage-read")
	preimageWrite = os.NewFile(6, "preimage-write")
)

// fail prints "panic: <msg>" on stdout, as the C guest does, and exits with `code`.
func fail(code int, msg string) {
	fmt.Printf("panic: %s\n", msg)
	os.Exit(code)
}

// writeAll writes every byte of p; os.File.Write already retries short writes, the loop makes
// the contract explicit.
func writeAll(f *os.File, p []byte) {
	for len(p) > 0 {
		n, err := f.Write(p)
		if n <= 0 && err != nil {
			os.Exit(exitBadOracle)
		}
		p = p[n:]
	}
}

func readExact(p []byte) {
	for len(p) > 0 {
		n, err := preimageRead.Read(p)
		if n <= 0 || err != nil {
			fail(exitBadOracle, "preimage read failed")
		}
		p = p[n:]
	}
}

// hintHash sends "<kind> 0x<hash>": the BE u32 length prefix and the text in two writes (so a
// run has steps where the VM holds an incomplete hint), then waits for the 1-byte ack.
func hintHash(kind string, hash []byte) {
	text := kind + " 0x" + hex.EncodeToString(hash)
	var prefix [4]byte
	binary.BigEndian.PutUint32(prefix[:], uint32(len(text)))
	writeAll(hintWrite, prefix[:])
	writeAll(hintWrite, []byte(text))
	var ack [1]byte
	if n, _ := hintRead.Read(ack[:]); n != 1 {
		fail(exitBadOracle, "hint ack failed")
	}
}

// preimageGet returns the value of `key`; values longer than `limit` bytes are malformed data.
func preimageGet(key [32]byte, limit uint64) []byte {
	writeAll(preimageWrite, key[:])
	var lenBE [8]byte
	readExact(lenBE[:])
	n := binary.BigEndian.Uint64(lenBE[:])
	if n > limit {
		fail(exitBadData, "preimage larger than its buffer")
	}
	buf := make([]byte, n)
	readExact(buf)
	return buf
}

// localGet returns boot value `index` (a type-1 key).
func localGet(index uint64, limit uint64) []byte {
	var key [32]byte
	key[0] = 1
	binary.BigEndian.PutUint64(key[24:], index)
	return preimageGet(key, limit)
}

func keccak256(parts ...[]byte) []byte {
	h := sha3.NewLegacyKeccak256()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

// keccakPreimageGet hints `kind` with the hash, reads the keccak256 preimage of `hash` and checks
// it against the hash: the host checks already, but a fault-proof program trusts nothing.
func keccakPreimageGet(kind string, hash []byte, limit uint64) []byte {
	var key [32]byte
	copy(key[:], hash)
	key[0] = 2
	hintHash(kind, hash)
	v := preimageGet(key, limit)
	if string(keccak256(v)) != string(hash) {
		fail(exitBadOracle, "preimage does not match its hash")
	}
	return v
}
