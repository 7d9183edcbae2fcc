package preimage

import (
	"io"
	"os"
)

// File descriptors of the oracle channels in a guest (spec §6.2).
const (
	HintReadFD      = 3 // acks from the host
	HintWriteFD     = 4 // hints to the host
	PreimageReadFD  = 5 // lengths and values from the host
	PreimageWriteFD = 6 // keys to the host
)

// ReadWritePair joins a reading and a writing file into one channel.
type ReadWritePair struct {
	R io.Reader
	W io.Writer
}

// Read implements io.Reader.
func (p ReadWritePair) Read(b []byte) (int, error) { return p.R.Read(b) }

// Write implements io.Writer.
func (p ReadWritePair) Write(b []byte) (int, error) { return p.W.Write(b) }

// ClientHinterChannel is the guest's hint channel (reads fd 3, writes fd 4).
func ClientHinterChannel() ReadWritePair {
	return ReadWritePair{R: os.NewFile(HintReadFD, "hint-read"), W: os.NewFile(HintWriteFD, "hint-write")}
}

// ClientPreimageChannel is the guest's pre-image channel (reads fd 5, writes fd 6).
func ClientPreimageChannel() ReadWritePair {
	return ReadWritePair{R: os.NewFile(PreimageReadFD, "preimage-read"), W: os.NewFile(PreimageWriteFD, "preimage-write")}
}

// writeAll writes every byte of p, looping on short writes.
func writeAll(w io.Writer, p []byte) error {
	for len(p) > 0 {
		n, err := w.Write(p)
		if n <= 0 {
			if err == nil {
				err = io.ErrShortWrite
			}
			return err
		}
		p = p[n:]
	}
	return nil
}
