// A toy rollup fault-proof program in Go: the same chain data, rules, output and exit codes as the
// C guest in examples/rollup/guest/rollup.c.
//
// Boot values (local keys): 1 = agreed L2 header hash, 2 = claimed output root, 3 = claimed
// block number (u64 BE), 4 = hash of the L1 batches blob. Everything else is a keccak256
// preimage, each requested after a hint naming it:
//
//	"l2-header 0x<hash>"   header (104 bytes): number u64 BE | parent hash | tx-list hash | state root
//	"l2-state 0x<root>"    state: accounts sorted by id, 24 bytes each: id | balance | nonce (u64 BE)
//	"l1-batches 0x<hash>"  first block number u64 BE | one 32-byte tx-list hash per block
//	"tx-list 0x<hash>"     transfers, 32 bytes each: from | to | amount | nonce (u64 BE)
//
// A block's output root is the keccak256 of its header. The program derives every block after
// the agreed one up to the claimed number and compares the last output root with the claim:
// exit 0 = valid, 1 = invalid, >= 2 = malformed data. A transfer is skipped when an account is
// unknown, the nonce is not the sender's nonce, the sender's balance is too small, or the
// receiver's balance would overflow.
package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"sort"
)

const (
	headerSize  = 104
	accountSize = 24
	txSize      = 32
	maxAccounts = 4096
	maxTxs      = 4096
	maxBlocks   = 4096
	blobLimit   = maxTxs * txSize // the C guest's buffer for state and tx-list preimages
)

type account struct {
	id, balance, nonce uint64
}

var accounts []account

func be64(p []byte) uint64 { return binary.BigEndian.Uint64(p) }

// findAccount returns the index of account `id`, or -1.
func findAccount(id uint64) int {
	i := sort.Search(len(accounts), func(i int) bool { return accounts[i].id >= id })
	if i < len(accounts) && accounts[i].id == id {
		return i
	}
	return -1
}

func stateRoot() []byte {
	enc := make([]byte, len(accounts)*accountSize)
	for i, a := range accounts {
		p := enc[i*accountSize:]
		binary.BigEndian.PutUint64(p, a.id)
		binary.BigEndian.PutUint64(p[8:], a.balance)
		binary.BigEndian.PutUint64(p[16:], a.nonce)
	}
	return keccak256(enc)
}

func loadState(root []byte) {
	blob := keccakPreimageGet("l2-state", root, blobLimit)
	if len(blob)%accountSize != 0 || len(blob)/accountSize > maxAccounts {
		fail(exitBadData, "malformed state")
	}
	accounts = make([]account, len(blob)/accountSize)
	for i := range accounts {
		p := blob[i*accountSize:]
		accounts[i] = account{be64(p), be64(p[8:]), be64(p[16:])}
		if i > 0 && accounts[i].id <= accounts[i-1].id {
			fail(exitBadData, "state accounts not sorted")
		}
	}
}

// applyTxs applies one block's transfers in order; returns the number applied.
func applyTxs(txs []byte) int {
	applied := 0
	for off := 0; off+txSize <= len(txs); off += txSize {
		p := txs[off:]
		fromID, toID, amount, nonce := be64(p), be64(p[8:]), be64(p[16:]), be64(p[24:])
		from, to := findAccount(fromID), findAccount(toID)
		if from < 0 || to < 0 || accounts[from].nonce != nonce || accounts[from].balance < amount {
			continue
		}
		if from != to && accounts[to].balance+amount < accounts[to].balance {
			continue
		}
		accounts[from].balance -= amount
		accounts[to].balance += amount
		accounts[from].nonce++
		applied++
	}
	return applied
}

func headerHash(number uint64, parent, txs, root []byte) []byte {
	h := make([]byte, 8, headerSize)
	binary.BigEndian.PutUint64(h, number)
	h = append(append(append(h, parent...), txs...), root...)
	return keccak256(h)
}

func main() {
	agreed := localGet(1, 32)
	if len(agreed) != 32 {
		fail(exitBadData, "local 1 (agreed header hash) must be 32 bytes")
	}
	claim := localGet(2, 32)
	if len(claim) != 32 {
		fail(exitBadData, "local 2 (claimed output root) must be 32 bytes")
	}
	numberBE := localGet(3, 8)
	if len(numberBE) != 8 {
		fail(exitBadData, "local 3 (claimed block number) must be 8 bytes")
	}
	batchesHash := localGet(4, 32)
	if len(batchesHash) != 32 {
		fail(exitBadData, "local 4 (L1 batches hash) must be 32 bytes")
	}
	claimNumber := be64(numberBE)

	header := keccakPreimageGet("l2-header", agreed, headerSize)
	if len(header) != headerSize {
		fail(exitBadData, "malformed header")
	}
	number := be64(header)
	fmt.Printf("agreed block %d output root 0x%x\nclaim: block %d output root 0x%x\n", number, agreed, claimNumber, claim)

	loadState(header[72:])
	fmt.Printf("state: %d accounts\n", len(accounts))

	output := agreed
	if claimNumber < number {
		fmt.Printf("claim INVALID: block %d precedes the agreed block\n", claimNumber)
		os.Exit(exitInvalid)
	}
	if claimNumber > number {
		batches := keccakPreimageGet("l1-batches", batchesHash, 8+maxBlocks*32)
		if len(batches) < 8 || (len(batches)-8)%32 != 0 {
			fail(exitBadData, "malformed L1 batches")
		}
		first, count := be64(batches), uint64(len(batches)-8)/32
		fmt.Printf("L1 batches: blocks %d..%d\n", first, first+count-1)
		for b := number + 1; b <= claimNumber; b++ {
			if b < first || b-first >= count {
				fmt.Printf("claim INVALID: no L1 batch for block %d\n", b)
				os.Exit(exitInvalid)
			}
			txHash := batches[8+(b-first)*32 : 8+(b-first+1)*32]
			txs := keccakPreimageGet("tx-list", txHash, blobLimit)
			if len(txs)%txSize != 0 {
				fail(exitBadData, "malformed tx list")
			}
			applied := applyTxs(txs)
			output = headerHash(b, output, txHash, stateRoot())
			fmt.Printf("block %d: %d/%d txs applied, output root 0x%x\n", b, applied, len(txs)/txSize, output)
		}
	}
	if bytes.Equal(output, claim) {
		fmt.Printf("claim valid\n")
		os.Exit(exitValid)
	}
	fmt.Printf("claim INVALID: computed 0x%x claimed 0x%x\n", output, claim)
	os.Exit(exitInvalid)
}
