package main

// The program's use of the pre-image oracle, through the guest SDK's op-preimage-shaped package
// (sdk/go/preimage): every oracle failure ends the program with a panic code and a message.

import (
	"errors"

	"fpvm.sdk/preimage"
	"golang.org/x/crypto/sha3"
)

// Exit codes: 0 claim valid, 1 claim invalid, >= 2 malformed data or oracle failure (the VM
// reports status "panic"). A Go panic is not used for these: an unrecovered panic makes the
// runtime sleep (nanosleep), which the VM does not provide.
const (
	exitValid     = preimage.ExitValid
	exitInvalid   = preimage.ExitInvalid
	exitBadData   = preimage.ExitPanic
	exitBadOracle = 3
)

var client = preimage.NewClient()

// fail prints "panic: <msg>" on stdout, as the C guest does, and exits with `code`.
func fail(code int, msg string) { preimage.Fail(code, msg) }

// get returns the value of `key`; values longer than `limit` bytes are malformed data.
func get(key preimage.Key, limit uint64) []byte {
	v, err := client.Oracle.GetLimited(key, limit)
	if errors.Is(err, preimage.ErrTooLarge) {
		fail(exitBadData, "preimage larger than its buffer")
	} else if err != nil {
		fail(exitBadOracle, "preimage read failed")
	}
	return v
}

// localGet returns boot value `index` (a type-1 key).
func localGet(index uint64, limit uint64) []byte { return get(preimage.LocalIndexKey(index), limit) }

func keccak256(parts ...[]byte) []byte {
	h := sha3.NewLegacyKeccak256()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

// keccakPreimageGet hints "<kind> 0x<hash>", reads the keccak256 preimage of `hash` and checks
// it against the hash: the host checks already, but a fault-proof program trusts nothing.
func keccakPreimageGet(kind string, hash []byte, limit uint64) []byte {
	if err := client.Hinter.TryHint(preimage.HexHint{Kind: kind, Data: hash}); err != nil {
		fail(exitBadOracle, "hint ack failed")
	}
	var key preimage.Keccak256Key
	copy(key[:], hash)
	v := get(key, limit)
	if string(keccak256(v)) != string(hash) {
		fail(exitBadOracle, "preimage does not match its hash")
	}
	return v
}
