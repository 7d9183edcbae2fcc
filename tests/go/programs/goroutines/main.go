// goroutines: channels (unbuffered, buffered, closed), select, sync.Mutex, sync.WaitGroup,
// sync.Once and a worker pool. Every printed value is independent of scheduling order, so the
// output is the same on a real multi-threaded kernel (qemu) and in fpvm, where one thread runs
// all goroutines whenever the running one blocks. Exits with 5.
package main

import (
	"fmt"
	"os"
	"sort"
	"sync"
)

// pipeline: generator -> square -> sum, over unbuffered channels.
func pipeline(n int) int {
	gen := make(chan int)
	sq := make(chan int)
	go func() {
		for i := 1; i <= n; i++ {
			gen <- i
		}
		close(gen)
	}()
	go func() {
		for v := range gen {
			sq <- v * v
		}
		close(sq)
	}()
	sum := 0
	for v := range sq {
		sum += v
	}
	return sum
}

// workerPool: jobs on a buffered channel, results collected by index.
func workerPool(workers, jobs int) []int {
	in := make(chan int, 16)
	type result struct{ idx, val int }
	out := make(chan result, 16)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			for j := range in {
				// Collatz steps of j: a little work per job.
				steps, x := 0, j
				for x != 1 {
					if x%2 == 0 {
						x /= 2
					} else {
						x = 3*x + 1
					}
					steps++
				}
				out <- result{j, steps}
			}
		}(w)
	}
	go func() {
		for j := 1; j <= jobs; j++ {
			in <- j
		}
		close(in)
	}()
	go func() {
		wg.Wait()
		close(out)
	}()
	res := make([]int, jobs+1)
	for r := range out {
		res[r.idx] = r.val
	}
	return res
}

// counter: a mutex-protected map updated by many goroutines.
type counter struct {
	mu sync.Mutex
	m  map[string]int
	n  int
}

func (c *counter) add(key string, v int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[key] += v
	c.n++
}

func mutexes() {
	c := &counter{m: map[string]int{}}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				c.add(fmt.Sprintf("k%d", (g*7+i)%13), i)
			}
		}(g)
	}
	wg.Wait()
	keys := make([]string, 0, len(c.m))
	for k := range c.m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	total := 0
	for _, k := range keys {
		total += c.m[k]
	}
	fmt.Printf("mutex: %d updates, %d keys, total %d, k0=%d k12=%d\n", c.n, len(keys), total, c.m["k0"], c.m["k12"])

	var rw sync.RWMutex
	shared := 0
	var wg2 sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg2.Add(2)
		go func() {
			defer wg2.Done()
			for i := 0; i < 100; i++ {
				rw.Lock()
				shared++
				rw.Unlock()
			}
		}()
		go func() {
			defer wg2.Done()
			for i := 0; i < 100; i++ {
				rw.RLock()
				_ = shared
				rw.RUnlock()
			}
		}()
	}
	wg2.Wait()
	fmt.Println("rwmutex: shared =", shared)
}

// selects: fan-in with select until every source is closed; select with default; a quit channel.
func selects() {
	a, b, c := make(chan int), make(chan int, 4), make(chan string)
	go func() {
		for i := 0; i < 50; i++ {
			a <- i
		}
		close(a)
	}()
	go func() {
		for i := 0; i < 30; i++ {
			b <- 1000 + i
		}
		close(b)
	}()
	go func() {
		for _, s := range []string{"x", "yy", "zzz"} {
			c <- s
		}
		close(c)
	}()
	sumA, sumB, lenC, open := 0, 0, 0, 3
	for open > 0 {
		select {
		case v, ok := <-a:
			if !ok {
				a = nil
				open--
				continue
			}
			sumA += v
		case v, ok := <-b:
			if !ok {
				b = nil
				open--
				continue
			}
			sumB += v
		case s, ok := <-c:
			if !ok {
				c = nil
				open--
				continue
			}
			lenC += len(s)
		}
	}
	fmt.Println("select fan-in:", sumA, sumB, lenC)

	full := make(chan int, 1)
	sent, dropped := 0, 0
	for i := 0; i < 10; i++ {
		select {
		case full <- i:
			sent++
		default:
			dropped++
		}
	}
	fmt.Println("select default:", sent, dropped, <-full)

	quit := make(chan struct{})
	done := make(chan int)
	go func() {
		n := 0
		for {
			select {
			case <-quit:
				done <- n
				return
			default:
				n++
				if n == 1000 {
					// Block until main closes quit; the scheduler switches on this receive.
					<-quit
					done <- n
					return
				}
			}
		}
	}()
	close(quit)
	fmt.Println("quit after", (<-done) >= 0)
}

func main() {
	fmt.Println("pipeline:", pipeline(1000))
	res := workerPool(4, 300)
	maxSteps, arg := 0, 0
	for i, v := range res {
		if v > maxSteps {
			maxSteps, arg = v, i
		}
	}
	fmt.Println("worker pool: longest Collatz chain below 301 starts at", arg, "with", maxSteps, "steps; res[27] =", res[27])
	mutexes()
	selects()
	var once sync.Once
	calls := 0
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			once.Do(func() { calls++ })
		}()
	}
	wg.Wait()
	fmt.Println("once:", calls)
	// Many goroutines, each waiting on its own channel, woken in a chain.
	const n = 2000
	first := make(chan int)
	prev := first
	for i := 0; i < n; i++ {
		next := make(chan int)
		go func(in, out chan int) { out <- 1 + <-in }(prev, next)
		prev = next
	}
	first <- 0
	fmt.Println("chain of", n, "goroutines:", <-prev)
	fmt.Fprintln(os.Stderr, "goroutines: done")
	os.Exit(5)
}
