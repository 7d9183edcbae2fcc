package fpvm

/*
#include <stdint.h>
#include <stdlib.h>
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// Oracle serves a guest's hints and pre-images, in the shape of op-program's host: every
// complete hint the guest writes, and the pre-image of every key it reads. An error fails the
// step that asked (Run returns an *Error with StatusOracle) and leaves the machine broken.
type Oracle interface {
	Hint(hint []byte) error
	GetPreimage(key [32]byte) ([]byte, error)
}

// host is what the C callbacks reach through a cgo.Handle: the Go oracle and output of one
// machine, and the C copy of the last pre-image (libfpvm copies it before the next callback).
type host struct {
	oracle Oracle
	output func(fd int, data []byte)
	last   unsafe.Pointer
}

func (h *host) release() {
	if h.last != nil {
		C.free(h.last)
		h.last = nil
	}
}

//export fpvmGoHint
func fpvmGoHint(handle C.uintptr_t, data *C.uint8_t, n C.size_t) C.int {
	h := cgo.Handle(handle).Value().(*host)
	if h.oracle == nil {
		return 0
	}
	if err := h.oracle.Hint(C.GoBytes(unsafe.Pointer(data), C.int(n))); err != nil {
		return 1
	}
	return 0
}

//export fpvmGoPreimage
func fpvmGoPreimage(handle C.uintptr_t, key *C.uint8_t, data **C.uint8_t, n *C.size_t) C.int {
	h := cgo.Handle(handle).Value().(*host)
	if h.oracle == nil {
		return 1
	}
	var k [32]byte
	copy(k[:], C.GoBytes(unsafe.Pointer(key), 32))
	value, err := h.oracle.GetPreimage(k)
	if err != nil {
		return 1
	}
	h.release()
	if len(value) > 0 {
		h.last = C.CBytes(value)
	}
	*data = (*C.uint8_t)(h.last)
	*n = C.size_t(len(value))
	return 0
}

//export fpvmGoOutput
func fpvmGoOutput(handle C.uintptr_t, fd C.int, data *C.uint8_t, n C.size_t) {
	h := cgo.Handle(handle).Value().(*host)
	if h.output != nil {
		h.output(int(fd), C.GoBytes(unsafe.Pointer(data), C.int(n)))
	}
}
