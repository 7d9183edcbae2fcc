// alloc: allocation-heavy code that makes a normal Go runtime collect garbage many times
// (binary trees, short-lived strings and slices, rebuilt maps). In fpvm the collector is off,
// so every byte allocated stays allocated. `scale` sets the amount of work; the default keeps
// the test short, and -ldflags "-X main.scale=N" builds longer runs. Exits with 11.
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

var scale = "4"

type node struct {
	left, right *node
	val         int
}

func build(depth, val int) *node {
	if depth == 0 {
		return &node{val: val}
	}
	return &node{build(depth-1, 2*val), build(depth-1, 2*val+1), val}
}

func (n *node) check() int {
	if n.left == nil {
		return n.val & 1
	}
	return 1 + n.left.check() + n.right.check() - n.val&1
}

func main() {
	s, err := strconv.Atoi(scale)
	if err != nil || s < 1 {
		fmt.Println("bad scale", scale)
		os.Exit(1)
	}
	fmt.Println("scale", s)

	// Binary trees: many short-lived trees next to one long-lived tree.
	longLived := build(14, 1)
	for round := 0; round < s; round++ {
		total := 0
		for i := 0; i < 64; i++ {
			total += build(10, i).check()
		}
		fmt.Printf("round %d: 64 trees of depth 10, check %d\n", round, total)
	}
	fmt.Println("long-lived tree check", longLived.check())

	// Short-lived strings and byte slices.
	h := uint64(14695981039346656037)
	for i := 0; i < 20000*s; i++ {
		str := strings.Repeat(strconv.Itoa(i), 1+i%7) + fmt.Sprintf("-%x", i*i)
		b := []byte(str)
		for _, c := range b {
			h = (h ^ uint64(c)) * 1099511628211
		}
	}
	fmt.Printf("strings: fnv %016x\n", h)

	// Maps rebuilt from scratch; slices of pointers that escape.
	sum := 0
	for r := 0; r < 4*s; r++ {
		m := make(map[string][]int)
		for i := 0; i < 5000; i++ {
			k := "k" + strconv.Itoa((i*31+r)%1777)
			m[k] = append(m[k], i)
		}
		ptrs := make([]*[16]int, 0)
		for i := 0; i < 2000; i++ {
			a := new([16]int)
			a[i%16] = i
			ptrs = append(ptrs, a)
		}
		for _, p := range ptrs {
			for _, v := range p {
				sum += v
			}
		}
		sum += len(m) + len(m["k5"])
	}
	fmt.Println("maps and pointers:", sum)
	fmt.Fprintln(os.Stderr, "alloc: done")
	os.Exit(11)
}
