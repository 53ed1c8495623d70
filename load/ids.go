package load

import (
	"math/bits"
	"math/rand/v2"
	"strconv"
	"sync"
)

// idGen mints the request ids of one stream: "<stream>-<seq>-<8 hex>", such
// as "writes-000042-9f3a1c2e". The sequence number makes ids unique within
// the stream and the stream name across streams; the random suffix, drawn
// from a PCG seeded with the run's seed and the stream name, keeps two runs
// with different seeds apart while the same seed gives the same ids. It is
// safe for concurrent use.
type idGen struct {
	prefix string
	// resend is the share of calls, out of 2^64, that return the last id
	// again instead of a new one.
	resend uint64
	mu     sync.Mutex
	seq    uint64
	rng    *rand.PCG
	last   string
}

func newIDGen(seed uint64, stream string, resend float64) *idGen {
	return &idGen{prefix: stream, rng: rand.NewPCG(seed, fnv1a(stream)), resend: uint64(resend * (1 << 63) * 2)}
}

// next returns the next id: a new one, or the last one again for a
// resent request.
func (g *idGen) next() string {
	g.mu.Lock()
	if g.resend > 0 && g.last != "" && g.rng.Uint64() < g.resend {
		id := g.last
		g.last = "" // one retry per request
		g.mu.Unlock()
		return id
	}
	seq := g.seq
	g.seq++
	suffix := uint32(g.rng.Uint64() >> 32)
	id := g.format(seq, suffix)
	g.last = id
	g.mu.Unlock()
	return id
}

// format spells an id: stream, sequence number, random suffix.
func (g *idGen) format(seq uint64, suffix uint32) string {

	buf := make([]byte, 0, len(g.prefix)+1+6+1+8)
	buf = append(buf, g.prefix...)
	buf = append(buf, '-')
	for width := 100000; width > 1 && seq < uint64(width); width /= 10 {
		buf = append(buf, '0')
	}
	buf = strconv.AppendUint(buf, seq, 10)
	buf = append(buf, '-')
	hex := strconv.FormatUint(uint64(suffix), 16)
	for range 8 - len(hex) {
		buf = append(buf, '0')
	}
	buf = append(buf, hex...)
	return string(buf)
}

// maxKeyTable is the most keys whose names are formatted once and shared
// by every op; beyond it each op formats its own.
const maxKeyTable = 4096

// keyPicker picks the key of each request of a key-value stream: k<n>
// with n in [0, keys), a fixed hash of the request id scaled into the
// range. As the ids come from the seeded generator, the same seed gives
// the same keys; and the recorder finds an op's key again from its id.
type keyPicker struct {
	keys  uint64
	names []string // "k0" … when keys <= maxKeyTable
}

// newKeyPicker returns the picker over keys keys, or nil when keys is not
// positive (the stream is not a key-value stream).
func newKeyPicker(keys int) *keyPicker {
	if keys <= 0 {
		return nil
	}
	p := &keyPicker{keys: uint64(keys)}
	if keys <= maxKeyTable {
		p.names = make([]string, keys)
		for i := range p.names {
			p.names[i] = keyName(uint64(i))
		}
	}
	return p
}

// key returns the key of the request with the given id; "" for a nil
// picker.
func (p *keyPicker) key(id string) string {
	if p == nil {
		return ""
	}
	n, _ := bits.Mul64(mix64(fnv1a(id)), p.keys)
	if p.names != nil {
		return p.names[n]
	}
	return keyName(n)
}

func keyName(n uint64) string { return "k" + strconv.FormatUint(n, 10) }

// fnv1a returns the 64-bit FNV-1a hash of s.
func fnv1a(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}

// mix64 is the SplitMix64 finaliser: it spreads the bits of x so that
// nearby inputs give unrelated outputs.
func mix64(x uint64) uint64 {
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
