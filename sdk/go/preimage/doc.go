// Package preimage is the guest side of fpvm's pre-image oracle for Go fault-proof programs
// (GOOS=linux, GOARCH=riscv64 for the RISC-V machine, GOARCH=mips64 for Cannon MT64), in the
// shape of op-program's op-preimage package: typed keys, an OracleClient that fetches values by
// key, a HintWriter that sends hints, and the file channels on fds 3-6.
//
// The protocol (spec §5, §6): a hint is written to fd 4 as a big-endian uint32 length and the
// text, and acknowledged with one byte on fd 3; a pre-image is requested by writing its 32-byte
// key to fd 6 and read from fd 5 as a big-endian uint64 length and the value. fpvm moves at most
// up to the next 32-byte boundary of the buffer per key write or value read, so every transfer
// loops until it is complete.
//
// Go panics do not work inside fpvm: an unrecovered panic makes the runtime sleep (nanosleep),
// which the VM does not provide. Get and Hint therefore end the program with Fail (exit code
// ExitPanic and a "panic: …" line on stdout) instead of panicking on an oracle failure; TryGet
// and TryHint return the error.
//
// Only the standard library is used.
package preimage
