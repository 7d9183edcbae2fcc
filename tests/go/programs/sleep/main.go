// sleep: time.Sleep. The VM's clock is frozen (clock_gettime always returns 1337 s + 42 ns), so
// the timer never fires and the scheduler waits for it forever; the test bounds the run.
package main

import (
	"fmt"
	"time"
)

func main() {
	fmt.Println("sleeping")
	time.Sleep(time.Millisecond)
	fmt.Println("woke up")
}
