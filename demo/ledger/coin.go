package ledger

import (
	"hash/fnv"
	"math/rand/v2"
	"sync"
)

// coin decides whether a request hits a defect. Each defect has its own
// coin, seeded from the process seed and the defect's name, so the
// sequence of hits is reproducible and planting a second defect does not
// shift the first one's.
type coin struct {
	p   float64
	mu  sync.Mutex
	rng *rand.Rand
}

// newCoin returns a coin that comes up true with probability p.
func newCoin(seed uint64, name string, p float64) *coin {
	h := fnv.New64a()
	h.Write([]byte(name)) // a hash.Hash never fails to write
	return &coin{p: p, rng: rand.New(rand.NewPCG(seed, h.Sum64()))}
}

// flip reports whether this request hits the defect.
func (c *coin) flip() bool {
	if c.p <= 0 {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rng.Float64() < c.p
}
