// tiny: the smallest useful Go program, short enough to check every step with proofs. Exits with 4.
package main

import "os"

func main() {
	os.Stdout.Write([]byte("tiny go program\n"))
	os.Exit(4)
}
