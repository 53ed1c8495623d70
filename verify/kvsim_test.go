package verify_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/faultdrill/faultdrill/load"
)

// kvSim describes a simulated key-value workload against a linearizable
// register per key.
type kvSim struct {
	ops, keys int
	// concurrency is the mean number of operations in flight.
	concurrency int
	// meanLatency is the mean duration of one operation.
	meanLatency time.Duration
	// indeterminate and failed are the shares of writes whose outcome is
	// unknown (half of them take effect) and that fail (never take effect);
	// failedReads the share of reads that fail.
	indeterminate, failed, failedReads float64
	// lateEffect is how long after its start an indeterminate write that
	// takes effect may do so (default 4 × its latency): a write cut off by
	// a timeout may be applied long after the client gave up.
	lateEffect time.Duration
	// values, when set, makes each write write one of that many values
	// (v0, v1, …) instead of its own id, so that values repeat.
	values int
}

// history simulates the workload with a seeded generator and returns a
// linearizable history, as the load package records it against the demo
// (a read of a missing key answers 404 with an empty X-Value): every
// operation takes effect at one instant
// between its start and its end, in the order of those instants; an
// indeterminate write that takes effect does so at some instant after its
// start, possibly after its end.
func (s kvSim) history(seed uint64) []load.Op {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	gap := s.meanLatency / time.Duration(max(s.concurrency, 1))
	type event struct {
		at  time.Duration
		idx int
	}
	ops := make([]load.Op, s.ops)
	var effects []event
	for i := range ops {
		start := time.Duration(i)*gap + time.Duration(rng.Int64N(int64(gap)+1))
		latency := time.Millisecond + time.Duration(rng.Int64N(int64(2*s.meanLatency)))
		op := load.Op{
			ID:      fmt.Sprintf("op-%05d", i),
			Key:     fmt.Sprintf("k%03d", rng.IntN(s.keys)),
			Start:   start,
			End:     start + latency,
			Outcome: load.Acknowledged,
			Code:    200,
			Version: "v1",
		}
		effectAt := start + time.Duration(rng.Int64N(int64(latency)+1))
		takesEffect := true
		if rng.IntN(2) == 0 {
			op.Write, op.Stream, op.Value, op.HasValue = true, "writes", op.ID, true
			if s.values > 0 {
				op.Value = fmt.Sprintf("v%d", rng.IntN(s.values))
			}
			switch r := rng.Float64(); {
			case r < s.indeterminate:
				op.Outcome, op.Code = load.Indeterminate, 0
				takesEffect = rng.IntN(2) == 0
				late := cmp.Or(s.lateEffect, 4*latency)
				effectAt = start + time.Duration(rng.Int64N(int64(late)))
			case r < s.indeterminate+s.failed:
				op.Outcome, op.Code = load.Failed, 503
				takesEffect = false
			}
		} else {
			op.Stream = "reads"
			if rng.Float64() < s.failedReads {
				op.Outcome, op.Code = load.Failed, 503
			}
		}
		ops[i] = op
		if takesEffect {
			effects = append(effects, event{effectAt, i})
		}
	}
	slices.SortStableFunc(effects, func(a, b event) int { return cmp.Compare(a.at, b.at) })
	state := map[string]string{}
	for _, e := range effects {
		op := &ops[e.idx]
		if op.Write {
			state[op.Key] = op.Value
		} else if op.Outcome == load.Acknowledged {
			// like the demo: 200 with X-Value, or 404 with an empty one
			v, found := state[op.Key]
			op.Value, op.HasValue = v, true
			if !found {
				op.Outcome, op.Code = load.Failed, 404
			}
		}
	}
	return ops
}
