// bignum: math/big (integers, rationals, primality, modular arithmetic) and crypto/sha256.
// Exits with 7.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"os"
)

func factorial(n int64) *big.Int {
	r := big.NewInt(1)
	for i := int64(2); i <= n; i++ {
		r.Mul(r, big.NewInt(i))
	}
	return r
}

func fib(n int) *big.Int {
	a, b := big.NewInt(0), big.NewInt(1)
	for i := 0; i < n; i++ {
		a.Add(a, b)
		a, b = b, a
	}
	return a
}

func digest(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func main() {
	f := factorial(300)
	s := f.String()
	fmt.Printf("300! has %d digits: %s...%s\n", len(s), s[:20], s[len(s)-80:len(s)-70])
	fmt.Println("300! bit length:", f.BitLen(), "trailing zero bits:", f.TrailingZeroBits())

	fb := fib(1000)
	fmt.Println("fib(1000) =", fb.String()[:30], "... mod 1e9+7 =", new(big.Int).Mod(fb, big.NewInt(1000000007)))

	// Mersenne primes and a composite, with the deterministic Miller-Rabin/Baillie-PSW test.
	for _, p := range []uint{61, 89, 107, 127, 521, 523} {
		m := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), p), big.NewInt(1))
		fmt.Printf("2^%d-1 prime: %v\n", p, m.ProbablyPrime(10))
	}

	// RSA-style round trip with small fixed primes.
	pr, _ := new(big.Int).SetString("170141183460469231731687303715884105727", 10) // 2^127-1
	q, _ := new(big.Int).SetString("618970019642690137449562111", 10)              // 2^89-1
	n := new(big.Int).Mul(pr, q)
	phi := new(big.Int).Mul(new(big.Int).Sub(pr, big.NewInt(1)), new(big.Int).Sub(q, big.NewInt(1)))
	e := big.NewInt(65537)
	d := new(big.Int).ModInverse(e, phi)
	msg := new(big.Int).SetBytes([]byte("fault proof!"))
	c := new(big.Int).Exp(msg, e, n)
	back := new(big.Int).Exp(c, d, n)
	fmt.Printf("rsa: n=%x\n     c=%x\n     m=%q\n", n, c, back.Bytes())

	g := new(big.Int).GCD(nil, nil, factorial(50), fib(120))
	fmt.Println("gcd(50!, fib(120)) =", g)
	sq := new(big.Int).Sqrt(f)
	fmt.Println("isqrt(300!) digits:", len(sq.String()), "low 6:", new(big.Int).Mod(sq, big.NewInt(1000000)))

	// Rationals: the harmonic number H(50) exactly.
	h := new(big.Rat)
	for i := int64(1); i <= 50; i++ {
		h.Add(h, big.NewRat(1, i))
	}
	fmt.Println("H(50) =", h.Num().String()[:15], "/", h.Denom().String()[:15], "~", h.FloatString(12))

	// Bit operations and formatting.
	x, _ := new(big.Int).SetString("-deadbeefcafebabe0123456789", 16)
	fmt.Printf("x = %d, %x, %o\n", x, new(big.Int).Abs(x), new(big.Int).Rsh(new(big.Int).Abs(x), 40))
	fmt.Println("and/or/xor:", new(big.Int).And(f, big.NewInt(0xffffffff)), new(big.Int).Or(big.NewInt(5), big.NewInt(10)),
		new(big.Int).Xor(big.NewInt(0xff), big.NewInt(0x0f)), x.Sign(), x.Cmp(f))

	// sha256: known answers, streaming, and a hash chain.
	fmt.Println("sha256(\"\") =", digest(nil))
	fmt.Println("sha256(\"abc\") =", digest([]byte("abc")))
	data := make([]byte, 1<<20)
	for i := range data {
		data[i] = byte(i * 7)
	}
	hs := sha256.New()
	for off := 0; off < len(data); off += 1000 {
		end := off + 1000
		if end > len(data) {
			end = len(data)
		}
		hs.Write(data[off:end])
	}
	streamed := hex.EncodeToString(hs.Sum(nil))
	fmt.Println("sha256(1 MiB) =", streamed, streamed == digest(data))
	chain := []byte("seed")
	for i := 0; i < 1000; i++ {
		s := sha256.Sum256(chain)
		chain = s[:]
	}
	fmt.Println("sha256^1000(seed) =", hex.EncodeToString(chain))
	fmt.Fprintln(os.Stderr, "bignum: done")
	os.Exit(7)
}
