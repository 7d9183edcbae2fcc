package preimage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ErrTooLarge is returned by GetLimited for a value longer than its limit.
var ErrTooLarge = errors.New("pre-image larger than its limit")

// OracleClient fetches pre-images by key over a pre-image channel.
type OracleClient struct {
	rw io.ReadWriter
}

// NewOracleClient returns a client on rw (ClientPreimageChannel() in a guest).
func NewOracleClient(rw io.ReadWriter) *OracleClient { return &OracleClient{rw: rw} }

// Open selects key and returns the length of its value; read the value with Read.
func (o *OracleClient) Open(key Key) (uint64, error) {
	k := key.PreimageKey()
	if err := writeAll(o.rw, k[:]); err != nil {
		return 0, fmt.Errorf("writing pre-image key %x: %w", k, err)
	}
	var lenBE [8]byte
	if _, err := io.ReadFull(o.rw, lenBE[:]); err != nil {
		return 0, fmt.Errorf("reading the length of pre-image %x: %w", k, err)
	}
	return binary.BigEndian.Uint64(lenBE[:]), nil
}

// Read reads the next len(p) bytes of the open value.
func (o *OracleClient) Read(p []byte) error {
	_, err := io.ReadFull(o.rw, p)
	return err
}

// GetLimited returns the value of key, or ErrTooLarge when it is longer than limit bytes.
func (o *OracleClient) GetLimited(key Key, limit uint64) ([]byte, error) {
	n, err := o.Open(key)
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, fmt.Errorf("%w: %d > %d bytes", ErrTooLarge, n, limit)
	}
	buf := make([]byte, n)
	if err := o.Read(buf); err != nil {
		return nil, fmt.Errorf("reading pre-image %x: %w", key.PreimageKey(), err)
	}
	return buf, nil
}

// TryGet returns the value of key (at most 1 GiB).
func (o *OracleClient) TryGet(key Key) ([]byte, error) { return o.GetLimited(key, 1<<30) }

// Get returns the value of key; an oracle failure ends the program with Fail(ExitPanic, …).
func (o *OracleClient) Get(key Key) []byte {
	v, err := o.TryGet(key)
	if err != nil {
		Fail(ExitPanic, err.Error())
	}
	return v
}
