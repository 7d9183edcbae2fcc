package preimage

import (
	"encoding/binary"
	"encoding/hex"
)

// KeyType is byte 0 of a pre-image key (spec §6.1).
type KeyType byte

// The key types of the spec.
const (
	LocalKeyType         KeyType = 1 // boot value of this program run, by index
	Keccak256KeyType     KeyType = 2 // keccak256 of the value
	GlobalGenericKeyType KeyType = 3 // a global key the host chooses
	Sha256KeyType        KeyType = 4 // sha256 of the value
	BlobKeyType          KeyType = 5 // one field element of an EIP-4844 blob
	PrecompileKeyType    KeyType = 6 // the result of an accelerated precompile call
)

// Key is anything that names a pre-image.
type Key interface {
	// PreimageKey returns the 32 bytes written to the oracle, type byte first.
	PreimageKey() [32]byte
}

// LocalIndexKey is boot value number i (a local key: type byte, zeros, big-endian index).
type LocalIndexKey uint64

// PreimageKey implements Key.
func (k LocalIndexKey) PreimageKey() (out [32]byte) {
	out[0] = byte(LocalKeyType)
	binary.BigEndian.PutUint64(out[24:], uint64(k))
	return
}

// Keccak256Key is the keccak256 hash of a value; its key replaces byte 0 with the type.
type Keccak256Key [32]byte

// PreimageKey implements Key.
func (k Keccak256Key) PreimageKey() [32]byte { return typed(Keccak256KeyType, k) }

// String is the hash in 0x-prefixed hex.
func (k Keccak256Key) String() string { return "0x" + hex.EncodeToString(k[:]) }

// GenericKey is a global generic key (type 3): a 32-byte hash whose meaning the host defines.
type GenericKey [32]byte

// PreimageKey implements Key.
func (k GenericKey) PreimageKey() [32]byte { return typed(GlobalGenericKeyType, k) }

// Sha256Key is the sha256 hash of a value.
type Sha256Key [32]byte

// PreimageKey implements Key.
func (k Sha256Key) PreimageKey() [32]byte { return typed(Sha256KeyType, k) }

// String is the hash in 0x-prefixed hex.
func (k Sha256Key) String() string { return "0x" + hex.EncodeToString(k[:]) }

// BlobKey is keccak256(48-byte commitment ‖ 32-byte root of unity) of one blob field element.
type BlobKey [32]byte

// PreimageKey implements Key.
func (k BlobKey) PreimageKey() [32]byte { return typed(BlobKeyType, k) }

// PrecompileKey is the keccak256 of a precompile request as the host expects it.
type PrecompileKey [32]byte

// PreimageKey implements Key.
func (k PrecompileKey) PreimageKey() [32]byte { return typed(PrecompileKeyType, k) }

// RawKey is a complete 32-byte key, type byte included, passed on unchanged.
type RawKey [32]byte

// PreimageKey implements Key.
func (k RawKey) PreimageKey() [32]byte { return k }

func typed(t KeyType, h [32]byte) [32]byte {
	h[0] = byte(t)
	return h
}
