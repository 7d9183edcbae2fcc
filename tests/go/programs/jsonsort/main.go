// jsonsort: encoding/json (struct tags, maps, interfaces, custom marshalers, indentation,
// streaming decoder) and sort. Exits with 9.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

type Address struct {
	Street string `json:"street"`
	City   string `json:"city,omitempty"`
}

type Level int

func (l Level) MarshalJSON() ([]byte, error) { return json.Marshal(fmt.Sprintf("L%d", int(l))) }
func (l *Level) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	_, err := fmt.Sscanf(s, "L%d", (*int)(l))
	return err
}

type Account struct {
	ID       uint64            `json:"id"`
	Name     string            `json:"name"`
	Balance  int64             `json:"balance"`
	Tags     []string          `json:"tags"`
	Meta     map[string]string `json:"meta,omitempty"`
	Address  *Address          `json:"address,omitempty"`
	Level    Level             `json:"level"`
	Secret   string            `json:"-"`
	internal int
}

const input = `[
  {"id": 7, "name": "carol", "balance": 300, "tags": ["b", "a"], "level": "L2",
   "address": {"street": "1 Main St", "city": "Springfield"}},
  {"id": 3, "name": "alice", "balance": 1200, "tags": [], "meta": {"z": "last", "a": "first"}, "level": "L5"},
  {"id": 12, "name": "bob", "balance": 300, "tags": ["x"], "level": "L1", "unknown": true},
  {"id": 1, "name": "dave", "balance": -50, "tags": null, "level": "L3", "address": {"street": "2 Side St"}}
]`

func main() {
	var accounts []Account
	if err := json.Unmarshal([]byte(input), &accounts); err != nil {
		fmt.Println("unmarshal:", err)
		os.Exit(1)
	}
	fmt.Println("decoded", len(accounts), "accounts")

	// Sort by balance descending, then by name.
	sort.Slice(accounts, func(i, j int) bool {
		if accounts[i].Balance != accounts[j].Balance {
			return accounts[i].Balance > accounts[j].Balance
		}
		return accounts[i].Name < accounts[j].Name
	})
	for _, a := range accounts {
		sort.Strings(a.Tags)
		fmt.Printf("  %-5s id=%-2d balance=%5d level=%d tags=%v\n", a.Name, a.ID, a.Balance, a.Level, a.Tags)
	}

	out, err := json.Marshal(accounts)
	fmt.Println("compact:", string(out), err)
	var pretty bytes.Buffer
	first := out[1 : bytes.Index(out, []byte("},{"))+1]
	ierr := json.Indent(&pretty, first, "", "  ")
	fmt.Println("indented first:", ierr)
	fmt.Println(pretty.String())

	// Maps marshal with sorted keys; generic decoding gives map[string]interface{} and float64.
	m := map[string]interface{}{"zeta": 1, "alpha": []int{3, 2, 1}, "mid": map[string]bool{"y": true, "b": false}, "nil": nil}
	mb, _ := json.Marshal(m)
	fmt.Println("map:", string(mb))
	var generic interface{}
	json.Unmarshal([]byte(input), &generic)
	list := generic.([]interface{})
	total := 0.0
	for _, e := range list {
		total += e.(map[string]interface{})["balance"].(float64)
	}
	fmt.Printf("generic: %d entries, total balance %.1f, first keys %v\n", len(list), total, sortedKeys(list[0].(map[string]interface{})))

	// Streaming decoder over several values; UseNumber keeps big integers exact.
	dec := json.NewDecoder(strings.NewReader(`{"n": 18446744073709551615} {"n": 1.5e3} {"n": "str"}`))
	dec.UseNumber()
	for {
		var v map[string]interface{}
		if err := dec.Decode(&v); err != nil {
			fmt.Println("stream end:", err)
			break
		}
		fmt.Printf("stream: %v (%T)\n", v["n"], v["n"])
	}

	// Errors are reported, not panics.
	var a Account
	fmt.Println("bad:", json.Unmarshal([]byte(`{"id": -1}`), &a))
	fmt.Println("bad:", json.Unmarshal([]byte(`{"id": 1,}`), &a))

	// sort: stable sort of many records, binary search, custom sort.Interface on strings.
	words := strings.Fields(strings.Repeat("pear fig apple kiwi banana cherry date grape lemon mango ", 50))
	for i := range words {
		words[i] = fmt.Sprintf("%s%03d", words[i], (i*37)%101)
	}
	sort.SliceStable(words, func(i, j int) bool { return len(words[i]) < len(words[j]) })
	fmt.Println("stable by length:", words[:4], words[len(words)-2:])
	sort.Strings(words)
	i := sort.SearchStrings(words, "kiwi061")
	fmt.Println("sorted:", words[:3], "kiwi061 at", i, words[i], sort.StringsAreSorted(words))
	sort.Sort(sort.Reverse(sort.StringSlice(words)))
	fmt.Println("reversed:", words[:3])
	fmt.Fprintln(os.Stderr, "jsonsort: done")
	os.Exit(9)
}

func sortedKeys(m map[string]interface{}) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
