package preimage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
)

// fakeHost plays the host side: it records what the guest writes and answers from a script.
// Reads and writes move at most `chunk` bytes, as fpvm stops transfers at 32-byte boundaries.
type fakeHost struct {
	written bytes.Buffer
	answer  bytes.Buffer
	chunk   int
}

func (f *fakeHost) Write(p []byte) (int, error) {
	n := len(p)
	if f.chunk > 0 && n > f.chunk {
		n = f.chunk
	}
	return f.written.Write(p[:n])
}

func (f *fakeHost) Read(p []byte) (int, error) {
	if f.chunk > 0 && len(p) > f.chunk {
		p = p[:f.chunk]
	}
	return f.answer.Read(p)
}

func value(v []byte) []byte {
	var l [8]byte
	binary.BigEndian.PutUint64(l[:], uint64(len(v)))
	return append(l[:], v...)
}

func TestGetWithShortTransfers(t *testing.T) {
	for _, chunk := range []int{0, 1, 3, 32} {
		host := &fakeHost{chunk: chunk}
		want := bytes.Repeat([]byte("value "), 20)
		host.answer.Write(value(want))
		got, err := NewOracleClient(host).TryGet(LocalIndexKey(7))
		if err != nil {
			t.Fatalf("chunk %d: %v", chunk, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("chunk %d: got %q", chunk, got)
		}
		key := LocalIndexKey(7).PreimageKey()
		if !bytes.Equal(host.written.Bytes(), key[:]) {
			t.Fatalf("chunk %d: key written as %x", chunk, host.written.Bytes())
		}
	}
}

func TestGetLimited(t *testing.T) {
	host := &fakeHost{}
	host.answer.Write(value(make([]byte, 9)))
	if _, err := NewOracleClient(host).GetLimited(LocalIndexKey(3), 8); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("want ErrTooLarge, got %v", err)
	}
}

func TestGetTruncatedValue(t *testing.T) {
	host := &fakeHost{}
	host.answer.Write(value([]byte("abcdef"))[:10]) // length says 6, only 2 bytes follow
	if _, err := NewOracleClient(host).TryGet(LocalIndexKey(1)); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("want io.ErrUnexpectedEOF, got %v", err)
	}
}

func TestHintFraming(t *testing.T) {
	host := &fakeHost{chunk: 2}
	host.answer.WriteByte(1) // the ack
	if err := NewHintWriter(host).TryHint(HexHint{"tx-list", []byte{1, 2}}); err != nil {
		t.Fatal(err)
	}
	want := append([]byte{0, 0, 0, 14}, "tx-list 0x0102"...)
	if !bytes.Equal(host.written.Bytes(), want) {
		t.Fatalf("hint written as %q, want %q", host.written.Bytes(), want)
	}
	if host.answer.Len() != 0 {
		t.Fatal("the ack was not read")
	}
}

func TestHintWithoutAck(t *testing.T) {
	host := &fakeHost{}
	if err := NewHintWriter(host).TryHint(TextHint("x")); err == nil {
		t.Fatal("a hint without an ack succeeded")
	}
}
