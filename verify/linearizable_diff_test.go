package verify_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/anishathalye/porcupine"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/verify"
)

// The reductions and the cluster check of Linearizable replace porcupine's
// search on most keys. These specs compare Linearizable's verdict with
// porcupine's on the history as recorded — no reduction, indeterminate
// writes returning at +∞ — under a register model written here, apart
// from the package's, on thousands of small random histories: on a
// coarse clock (many operations begin and end at the same instant), with
// indeterminate writes that take effect late or never, reads of the
// initial value, and stale, early or invented reads.
var _ = Describe("Linearizable against porcupine on the unreduced history", func() {
	const cases = 4000

	check := func(repeated bool, seed uint64) {
		GinkgoHelper()
		rng := rand.New(rand.NewPCG(seed, seed))
		var linearizable, violated, searched int
		for c := range cases {
			ops := smallHistory(rng, repeated)
			want := porcupine.CheckOperations(oracleModel(), oracleHistory(ops))
			res := verify.Linearizable(ops, 10*time.Second, "")
			Expect(res.Verdict).To(BeElementOf(verify.Success, verify.Failure), "case %d: %s", c, res.Summary)
			Expect(res.Verdict == verify.Success).To(Equal(want),
				"case %d: porcupine says linearizable=%t, Linearizable says %s (%s)\n%s", c, want, res.Verdict, res.Summary, describe(ops))
			if want {
				linearizable++
			} else {
				violated++
			}
			searched += res.Evidence["keysSearched"].(int)
		}
		By(fmt.Sprintf("%d linearizable, %d not, %d keys searched by porcupine", linearizable, violated, searched))
		Expect(linearizable).To(BeNumerically(">", cases/5), "the generator makes linearizable histories")
		Expect(violated).To(BeNumerically(">", cases/5), "the generator makes histories that are not")
		if repeated {
			Expect(searched).To(BeNumerically(">", cases/5), "repeated values go to porcupine")
		} else {
			Expect(searched).To(BeZero(), "unique values are decided by the cluster check")
		}
	}

	It("agrees when every write writes its own value (the cluster check decides)", func() { check(false, 1) })
	It("agrees when writes repeat values (porcupine decides, after the reduction of unread writes)", func() { check(true, 2) })
})

// smallHistory is a random history on one or two keys of up to 9
// operations on a clock of 15 ticks, built from a sequential run at
// random instants and then, half of the time, one read changed.
func smallHistory(rng *rand.Rand, repeated bool) []load.Op {
	n := 2 + rng.IntN(8)
	keys := 1 + rng.IntN(2)
	type effect struct {
		at  int
		idx int
	}
	ops := make([]load.Op, n)
	var effects []effect
	for i := range ops {
		start := rng.IntN(12)
		end := start + rng.IntN(4)
		at := start + rng.IntN(end-start+1)
		key := fmt.Sprintf("k%d", rng.IntN(keys))
		id := fmt.Sprintf("op%d", i)
		if rng.IntN(2) == 0 {
			value := id
			if repeated {
				value = []string{"x", "y", id}[rng.IntN(3)]
			}
			op := kvWrite(id, key, start, end, load.Acknowledged)
			op.Value = value
			if rng.IntN(3) == 0 {
				op.Outcome = load.Indeterminate
				if rng.IntN(2) == 0 {
					ops[i] = op
					continue // never took effect
				}
				at = start + rng.IntN(15) // may take effect long after it ended
			}
			ops[i] = op
		} else {
			ops[i] = kvRead(id, key, "", start, end, load.Acknowledged)
		}
		effects = append(effects, effect{at, i})
	}
	rng.Shuffle(len(effects), func(i, j int) { effects[i], effects[j] = effects[j], effects[i] })
	slices.SortStableFunc(effects, func(a, b effect) int { return a.at - b.at })
	state := map[string]string{}
	for _, e := range effects {
		op := &ops[e.idx]
		if op.Write {
			state[op.Key] = op.Value
		} else {
			op.Value = state[op.Key]
		}
	}
	if rng.IntN(2) == 0 {
		var reads []int
		for i, op := range ops {
			if !op.Write {
				reads = append(reads, i)
			}
		}
		if len(reads) > 0 {
			r := &ops[reads[rng.IntN(len(reads))]]
			choices := []string{"", "ghost"}
			for _, op := range ops {
				if op.Write {
					choices = append(choices, op.Value)
				}
			}
			r.Value = choices[rng.IntN(len(choices))]
		}
	}
	return ops
}

// oracleIn is the oracle's input: a write of value to key, or a read.
type oracleIn struct {
	key, value string
	write      bool
}

// oracleHistory is ops as porcupine operations with no reduction: an
// indeterminate write returns at +∞. smallHistory makes no failed
// operation.
func oracleHistory(ops []load.Op) []porcupine.Operation {
	out := make([]porcupine.Operation, 0, len(ops))
	for _, op := range ops {
		ret := int64(op.End)
		if op.Outcome == load.Indeterminate {
			ret = math.MaxInt64
		}
		out = append(out, porcupine.Operation{
			Input:  oracleIn{key: op.Key, value: op.Value, write: op.Write},
			Call:   int64(op.Start),
			Output: op.Value,
			Return: ret,
		})
	}
	return out
}

// oracleModel is the values of the keys k0 and k1, "" when unset,
// checked whole: no partition, so it shares nothing with the package's
// model.
func oracleModel() porcupine.Model {
	slot := func(key string) int { return int(key[1] - '0') }
	return porcupine.Model{
		Init: func() any { return [2]string{} },
		Step: func(state, input, output any) (bool, any) {
			values := state.([2]string)
			in := input.(oracleIn)
			if in.write {
				values[slot(in.key)] = in.value
				return true, values
			}
			return values[slot(in.key)] == output.(string), state
		},
		Equal: func(a, b any) bool { return a.([2]string) == b.([2]string) },
	}
}

// describe lists a history for a failure message.
func describe(ops []load.Op) string {
	s := ""
	for _, op := range ops {
		kind := "read "
		if op.Write {
			kind = "write"
		}
		s += fmt.Sprintf("  %s %s %s %q [%d, %d] %s\n", op.ID, kind, op.Key, op.Value, op.Start/time.Millisecond, op.End/time.Millisecond, op.Outcome)
	}
	return s
}
