// panic: an unrecovered panic. On Linux the runtime prints the panic and exits with 2; in fpvm
// the runtime's crash path first "freezes the world" and sleeps (runtime.usleep → nanosleep),
// which the VM does not provide, so the run must fail naming that syscall.
package main

import (
	"fmt"
	"os"
)

func check(values []int, i int) int {
	if i >= len(values) {
		panic(fmt.Sprintf("index %d out of %d values", i, len(values)))
	}
	return values[i]
}

func main() {
	fmt.Println("about to panic")
	fmt.Println(check([]int{1, 2, 3}, len(os.Args)+4))
}
