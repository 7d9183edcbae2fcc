package preimage

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
)

// Hint is anything that can be sent as a hint.
type Hint interface {
	// Hint returns the hint's text, e.g. "l2-header 0x…".
	Hint() string
}

// TextHint is a hint given as its text.
type TextHint string

// Hint implements Hint.
func (h TextHint) Hint() string { return string(h) }

// HexHint is op-program's hint shape: "<Kind> 0x<hex of Data>".
type HexHint struct {
	Kind string
	Data []byte
}

// Hint implements Hint.
func (h HexHint) Hint() string { return h.Kind + " 0x" + hex.EncodeToString(h.Data) }

// HintWriter sends hints over a hint channel and waits for each ack.
type HintWriter struct {
	rw io.ReadWriter
}

// NewHintWriter returns a writer on rw (ClientHinterChannel() in a guest).
func NewHintWriter(rw io.ReadWriter) *HintWriter { return &HintWriter{rw: rw} }

// TryHint sends v (a big-endian uint32 length, then the text, in two writes) and waits for the
// 1-byte ack.
func (h *HintWriter) TryHint(v Hint) error {
	text := v.Hint()
	var prefix [4]byte
	binary.BigEndian.PutUint32(prefix[:], uint32(len(text)))
	if err := writeAll(h.rw, prefix[:]); err != nil {
		return fmt.Errorf("writing hint %q: %w", text, err)
	}
	if err := writeAll(h.rw, []byte(text)); err != nil {
		return fmt.Errorf("writing hint %q: %w", text, err)
	}
	var ack [1]byte
	if _, err := io.ReadFull(h.rw, ack[:]); err != nil {
		return fmt.Errorf("reading the ack of hint %q: %w", text, err)
	}
	return nil
}

// Hint sends v; a failure ends the program with Fail(ExitPanic, …).
func (h *HintWriter) Hint(v Hint) {
	if err := h.TryHint(v); err != nil {
		Fail(ExitPanic, err.Error())
	}
}
