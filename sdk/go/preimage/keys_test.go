package preimage

import (
	"encoding/hex"
	"testing"
)

func TestKeyEncodings(t *testing.T) {
	var h [32]byte
	for i := range h {
		h[i] = byte(0xa0 + i%16)
	}
	cases := []struct {
		name string
		key  Key
		want string
	}{
		{"local 1", LocalIndexKey(1), "0100000000000000000000000000000000000000000000000000000000000001"},
		{"local 0x0102", LocalIndexKey(0x0102), "0100000000000000000000000000000000000000000000000000000000000102"},
		{"keccak256", Keccak256Key(h), "02a1a2a3a4a5a6a7a8a9aaabacadaeafa0a1a2a3a4a5a6a7a8a9aaabacadaeaf"},
		{"global generic", GenericKey(h), "03a1a2a3a4a5a6a7a8a9aaabacadaeafa0a1a2a3a4a5a6a7a8a9aaabacadaeaf"},
		{"sha256", Sha256Key(h), "04a1a2a3a4a5a6a7a8a9aaabacadaeafa0a1a2a3a4a5a6a7a8a9aaabacadaeaf"},
		{"blob", BlobKey(h), "05a1a2a3a4a5a6a7a8a9aaabacadaeafa0a1a2a3a4a5a6a7a8a9aaabacadaeaf"},
		{"precompile", PrecompileKey(h), "06a1a2a3a4a5a6a7a8a9aaabacadaeafa0a1a2a3a4a5a6a7a8a9aaabacadaeaf"},
		{"raw", RawKey(h), "a0a1a2a3a4a5a6a7a8a9aaabacadaeafa0a1a2a3a4a5a6a7a8a9aaabacadaeaf"},
	}
	for _, c := range cases {
		k := c.key.PreimageKey()
		if got := hex.EncodeToString(k[:]); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
	if got := Keccak256Key(h).String(); got != "0x"+hex.EncodeToString(h[:]) {
		t.Errorf("Keccak256Key.String: %s", got)
	}
}

func TestHexHint(t *testing.T) {
	h := HexHint{Kind: "l2-header", Data: []byte{0xde, 0xad}}
	if got := h.Hint(); got != "l2-header 0xdead" {
		t.Fatalf("got %q", got)
	}
}
