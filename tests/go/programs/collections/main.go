// collections: maps, slice growth, sort, strconv and fmt. Output does not depend on map
// iteration order (keys are sorted before printing). Exits with 3.
package main

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

type point struct {
	X, Y int
	Tag  string
}

type byDist []point

func (p byDist) Len() int      { return len(p) }
func (p byDist) Swap(i, j int) { p[i], p[j] = p[j], p[i] }
func (p byDist) Less(i, j int) bool {
	di, dj := p[i].X*p[i].X+p[i].Y*p[i].Y, p[j].X*p[j].X+p[j].Y*p[j].Y
	if di != dj {
		return di < dj
	}
	return p[i].Tag < p[j].Tag
}

// lcg is a fixed pseudo-random sequence (math/rand's seeding is not the point here).
type lcg uint64

func (l *lcg) next() uint64 {
	*l = *l*6364136223846793005 + 1442695040888963407
	return uint64(*l >> 33)
}

func maps() {
	words := strings.Fields("the quick brown fox jumps over the lazy dog the fox barks and the dog runs over the hill")
	counts := map[string]int{}
	for _, w := range words {
		counts[w]++
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("%-6s %d\n", k, counts[k])
	}

	// A big map with deletions: growth, evacuation and tombstones.
	m := make(map[int]int)
	r := lcg(7)
	for i := 0; i < 50000; i++ {
		m[int(r.next()%100000)] += i
	}
	deleted := 0
	for k := range m {
		if k%3 == 0 {
			delete(m, k)
			deleted++
		}
	}
	sum := 0
	for k, v := range m {
		sum += k ^ v
	}
	fmt.Printf("map: %d keys left, %d deleted, xor-sum %d\n", len(m), deleted, sum)

	// Struct keys and nested maps.
	grid := map[point]map[string]bool{}
	for x := -3; x <= 3; x++ {
		for y := -3; y <= 3; y++ {
			p := point{x, y, ""}
			grid[p] = map[string]bool{"even": (x+y)%2 == 0, "axis": x == 0 || y == 0}
		}
	}
	even, axis := 0, 0
	for _, v := range grid {
		if v["even"] {
			even++
		}
		if v["axis"] {
			axis++
		}
	}
	fmt.Printf("grid: %d cells, %d even, %d on an axis\n", len(grid), even, axis)
}

func slices() {
	var s []uint64
	grows := 0
	lastCap := cap(s)
	for i := 0; i < 200000; i++ {
		s = append(s, uint64(i)*uint64(i))
		if cap(s) != lastCap {
			grows++
			lastCap = cap(s)
		}
	}
	var total uint64
	for _, v := range s {
		total += v
	}
	fmt.Printf("slice: len %d, sum %d, grew %v\n", len(s), total, grows > 10)

	// 2-D slices, copy, sub-slicing and append aliasing.
	m := make([][]int, 20)
	for i := range m {
		m[i] = make([]int, i+1)
		m[i][0], m[i][i] = 1, 1
		for j := 1; j < i; j++ {
			m[i][j] = m[i-1][j-1] + m[i-1][j]
		}
	}
	fmt.Println("pascal row 19:", m[19][:6], "...", m[19][9:11])
	a := []int{1, 2, 3, 4, 5}
	b := a[1:3]
	b = append(b, 99) // overwrites a[3]
	c := make([]int, 3)
	n := copy(c, a[2:])
	fmt.Println("alias:", a, b, c, n)

	// Strings and bytes.
	var sb strings.Builder
	for i := 0; i < 1000; i++ {
		sb.WriteString(strconv.Itoa(i % 10))
	}
	str := sb.String()
	fmt.Println("builder:", len(str), strings.Count(str, "7"), str[:12], strings.ToUpper("mixed Case"))
	fmt.Println("split:", strings.Join(strings.Split("a,b,,c", ","), "|"), strings.Repeat("ab", 3),
		strings.TrimSpace("  x  "), strings.Index("chicken", "ken"))
}

func sorting() {
	r := lcg(42)
	nums := make([]int, 1000)
	for i := range nums {
		nums[i] = int(r.next()%10000) - 5000
	}
	sort.Ints(nums)
	fmt.Println("ints:", nums[:5], nums[len(nums)-3:], sort.IntsAreSorted(nums))
	idx := sort.SearchInts(nums, 0)
	fmt.Println("first >= 0 at", idx)

	pts := []point{{3, 4, "a"}, {0, 5, "b"}, {1, 1, "c"}, {-2, 2, "d"}, {5, 0, "e"}, {1, -1, "f"}}
	sort.Sort(byDist(pts))
	fmt.Printf("points: %v\n", pts)
	sort.SliceStable(pts, func(i, j int) bool { return pts[i].X < pts[j].X })
	fmt.Printf("by x: %+v\n", pts)
	names := []string{"delta", "Alpha", "charlie", "bravo", "Echo"}
	sort.Slice(names, func(i, j int) bool { return strings.ToLower(names[i]) < strings.ToLower(names[j]) })
	fmt.Println("names:", names)
}

func conversions() {
	for _, s := range []string{"42", "-17", "0x1f", "0b1011", "9223372036854775807", "99999999999999999999", "abc"} {
		v, err := strconv.ParseInt(s, 0, 64)
		if err != nil {
			fmt.Printf("ParseInt(%q): error %v\n", s, err)
		} else {
			fmt.Printf("ParseInt(%q) = %d\n", s, v)
		}
	}
	fmt.Println(strconv.FormatInt(-255, 16), strconv.FormatUint(1<<63, 36), strconv.Quote("tab\there \"q\" é"),
		strconv.Itoa(-0), strconv.FormatBool(true))
	for _, s := range []string{"3.25", "1e10", "-0.125", "2.5e-3"} {
		f, err := strconv.ParseFloat(s, 64)
		fmt.Println("float", s, "->", strconv.FormatFloat(f, 'g', -1, 64), strconv.FormatFloat(f*3, 'f', 4, 64), err)
	}
	fmt.Printf("%5d|%-5d|%05d|%x|%X|%o|%b|%c|%U\n", 42, 42, 42, 3054, 3054, 8, 5, 'G', 0x1F600)
	fmt.Printf("%q|%v|%+v|%#v|%T\n", "hi", point{1, 2, "p"}, point{1, 2, "p"}, point{1, 2, "p"}, point{})
	fmt.Printf("%8.3f|%e|%g|%t|%p\n", 3.14159265, 123456.789, 1e21, false, (*int)(nil))
	fmt.Printf("%s|%10s|%-10s|%x\n", []byte("bytes"), "right", "left", "hex")
	v, err := strconv.Atoi("12a")
	fmt.Println("Atoi:", v, err)
}

func main() {
	maps()
	slices()
	sorting()
	conversions()
	// A recovered panic unwinds normally (an unrecovered one cannot end a run in fpvm).
	func() {
		defer func() { fmt.Println("recovered:", recover()) }()
		var arr []int
		_ = arr[5]
	}()
	fmt.Fprintln(os.Stderr, "collections: done")
	os.Exit(3)
}
