package load

import (
	"hash/fnv"
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
	mu     sync.Mutex
	seq    uint64
	rng    *rand.PCG
}

func newIDGen(seed uint64, stream string) *idGen {
	h := fnv.New64a()
	h.Write([]byte(stream))
	return &idGen{prefix: stream, rng: rand.NewPCG(seed, h.Sum64())}
}

// next returns the next id.
func (g *idGen) next() string {
	g.mu.Lock()
	seq := g.seq
	g.seq++
	suffix := uint32(g.rng.Uint64() >> 32)
	g.mu.Unlock()

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
