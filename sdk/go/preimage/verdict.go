package preimage

import (
	"fmt"
	"os"
)

// Exit codes of a fault-proof program; the VM's state hash carries them as its status byte.
const (
	ExitValid   = 0 // the claim is valid
	ExitInvalid = 1 // the claim is invalid
	ExitPanic   = 2 // the program could not decide (malformed data, oracle failure); any code >= 2
)

// Exit ends the program with code (0 valid, 1 invalid, >= 2 panic).
func Exit(code int) { os.Exit(code) }

// Fail prints "panic: <msg>" on stdout and exits with code, which should be ExitPanic or more.
// Use it instead of panic(): an unrecovered Go panic makes the runtime sleep, which fpvm does
// not provide.
func Fail(code int, msg string) {
	fmt.Printf("panic: %s\n", msg)
	os.Exit(code)
}
