package verify

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/faultdrill/faultdrill/load"
)

// maxExamples bounds the examples listed in a report's evidence.
const maxExamples = 20

// StaleRead is one read that returned a value older than a write that had
// completed before the read started.
type StaleRead struct {
	Key    string `json:"key"`
	ReadID string `json:"readId"`
	// At is when the read started, on the drill's clock.
	At time.Duration `json:"at"`
	// Got is the value the read returned; Want the value of the newer
	// write, WantID that write's id.
	Got    string `json:"got"`
	Want   string `json:"want"`
	WantID string `json:"wantId"`
}

// ackWrite is one acknowledged key-value write.
type ackWrite struct {
	id, value  string
	start, end time.Duration
}

// keyWrites are a key's acknowledged writes sorted by end, with, for each,
// the latest-starting write among it and those before it.
type keyWrites struct {
	byEnd  []ackWrite
	newest []int // newest[i]: index in byEnd of the latest start in byEnd[:i+1]
	end    map[string]time.Duration
}

// StaleReads looks for key-value reads that started at or after `after`
// (the end of the rollback) and returned a value older than one already
// acknowledged: the value of a write that completed before another
// acknowledged write to the key started, that other write having completed
// before the read started; or "" when any acknowledged write to the key
// had completed. Only reads that returned a value count: 2xx, or 404 for
// no value, with an X-Value header. A value an indeterminate write wrote
// is never stale (it may have taken effect at any time); other values no
// acknowledged write wrote are counted as unjudged. The verdict is Failure
// when any read is stale, with examples listed; Skipped when no read that
// returned a value started after `after`.
func StaleReads(ops []load.Op, after time.Duration) Result {
	res := Result{Name: NameStaleReads, Integrity: true}
	writes := ackWritesByKey(ops)
	maybe := indeterminateValues(ops)
	var checked, stale, unjudged int
	var examples []StaleRead
	for i := range ops {
		op := &ops[i]
		got, ok := readValue(op)
		if !ok || op.Start < after {
			continue
		}
		checked++
		kw := writes[op.Key]
		if kw == nil {
			continue
		}
		newer, ok := kw.newestBefore(op.Start)
		if !ok {
			continue
		}
		gotEnd, written := kw.end[got]
		switch {
		case got != "" && !written && maybe[got]:
			continue // may have taken effect at any time after its start
		case got != "" && !written:
			unjudged++
			continue
		case got != "" && gotEnd >= newer.start:
			continue
		}
		stale++
		if len(examples) < maxExamples {
			examples = append(examples, StaleRead{Key: op.Key, ReadID: op.ID, At: op.Start, Got: got, Want: newer.value, WantID: newer.id})
		}
	}

	res.Evidence = map[string]any{
		"after":    after.String(),
		"reads":    checked,
		"stale":    stale,
		"unjudged": unjudged,
	}
	switch {
	case checked == 0:
		res.Verdict = Skipped
		res.Summary = fmt.Sprintf("no key-value read succeeded after %s, so there is nothing to judge", after.Round(time.Millisecond))
	case stale > 0:
		res.Verdict = Failure
		res.Evidence["examples"] = examples
		ex := examples[0]
		res.Summary = fmt.Sprintf("%d of %d reads after %s returned an overwritten value (key %s: read %s got %q, want %q)",
			stale, checked, after.Round(time.Millisecond), ex.Key, ex.ReadID, ex.Got, ex.Want)
	default:
		res.Verdict = Success
		res.Summary = fmt.Sprintf("none of %d reads after %s returned an overwritten value", checked, after.Round(time.Millisecond))
	}
	return res
}

// ackWritesByKey indexes the acknowledged key-value writes of ops by key.
func ackWritesByKey(ops []load.Op) map[string]*keyWrites {
	out := map[string]*keyWrites{}
	for i := range ops {
		op := &ops[i]
		if op.Key == "" || !op.Write || op.Outcome != load.Acknowledged {
			continue
		}
		kw := out[op.Key]
		if kw == nil {
			kw = &keyWrites{end: map[string]time.Duration{}}
			out[op.Key] = kw
		}
		kw.byEnd = append(kw.byEnd, ackWrite{id: op.ID, value: op.Value, start: op.Start, end: op.End})
		if op.Value != "" {
			kw.end[op.Value] = op.End
		}
	}
	for _, kw := range out {
		slices.SortStableFunc(kw.byEnd, func(a, b ackWrite) int { return cmp.Compare(a.end, b.end) })
		kw.newest = make([]int, len(kw.byEnd))
		for i, w := range kw.byEnd {
			kw.newest[i] = i
			if i > 0 && kw.byEnd[kw.newest[i-1]].start >= w.start {
				kw.newest[i] = kw.newest[i-1]
			}
		}
	}
	return out
}

// newestBefore returns the latest-starting write that completed before t.
func (kw *keyWrites) newestBefore(t time.Duration) (ackWrite, bool) {
	n, _ := slices.BinarySearchFunc(kw.byEnd, t, func(w ackWrite, t time.Duration) int { return cmp.Compare(w.end, t) })
	if n == 0 {
		return ackWrite{}, false
	}
	return kw.byEnd[kw.newest[n-1]], true
}

// indeterminateValues returns the values of indeterminate key-value writes.
func indeterminateValues(ops []load.Op) map[string]bool {
	out := map[string]bool{}
	for i := range ops {
		if op := &ops[i]; op.Key != "" && op.Write && op.Outcome == load.Indeterminate && op.Value != "" {
			out[op.Value] = true
		}
	}
	return out
}
