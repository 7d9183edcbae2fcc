// The guest SDK's Go example (sdk/go/preimage): the fault-proof program of
// sdk/examples/c/oracle_demo.c in Go, printing the same lines and exiting with the same verdicts.
// Boot values: 1 = keccak256 hash of a document, 2 = its claimed length (u64 BE).
package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"

	"fpvm.sdk/preimage"
)

func main() {
	client := preimage.NewClient()
	hash, err := client.Oracle.GetLimited(preimage.LocalIndexKey(1), 32)
	if err != nil || len(hash) != 32 {
		preimage.Fail(preimage.ExitPanic, "local 1 (document hash) must be 32 bytes")
	}
	claimBE, err := client.Oracle.GetLimited(preimage.LocalIndexKey(2), 8)
	if err != nil || len(claimBE) != 8 {
		preimage.Fail(preimage.ExitPanic, "local 2 (claimed length) must be 8 bytes")
	}
	claim := binary.BigEndian.Uint64(claimBE)

	var key preimage.Keccak256Key
	copy(key[:], hash)
	client.Hinter.Hint(preimage.HexHint{Kind: "document", Data: hash})
	// The C example checks the value against its hash with the SDK's keccak256; Go's standard
	// library has none, and the host checks keccak256 pre-images before the guest sees them.
	doc, err := client.Oracle.GetLimited(key, 4095)
	if errors.Is(err, preimage.ErrTooLarge) {
		preimage.Fail(preimage.ExitPanic, "document: pre-image larger than its buffer")
	} else if err != nil {
		preimage.Fail(preimage.ExitPanic, "document: oracle I/O failed")
	}
	fmt.Printf("document: %s\nlength: %d, claimed: %d\n", doc, len(doc), claim)
	if uint64(len(doc)) == claim {
		fmt.Println("claim valid")
		os.Exit(preimage.ExitValid)
	}
	fmt.Println("claim INVALID")
	os.Exit(preimage.ExitInvalid)
}
