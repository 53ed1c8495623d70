package verify

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"slices"

	"github.com/anishathalye/porcupine"

	"github.com/faultdrill/faultdrill/load"
)

// kvInput is the input of one key-value operation: a write of value to
// key, or a read of key.
type kvInput struct {
	key   string
	write bool
	value string
}

// kvMeta is what porcupine's visualisation shows of one operation.
type kvMeta struct {
	id      string
	outcome load.Outcome
}

// registerModel is a key-value store checked one key at a time: each
// partition is a register whose state is its value, "" until written. A
// write stores its value; a read must return the value. States are
// strings, never mutated.
func registerModel() porcupine.Model {
	return porcupine.Model{
		Partition: partitionByKey,
		Init:      func() any { return "" },
		Step: func(state, input, output any) (bool, any) {
			in := input.(kvInput)
			if in.write {
				return true, in.value
			}
			return output.(string) == state.(string), state
		},
		Equal: func(a, b any) bool { return a.(string) == b.(string) },
		Hash: func(state any) uint64 {
			h := fnv.New64a()
			_, _ = h.Write([]byte(state.(string)))
			return h.Sum64()
		},
		DescribeOperation: func(input, output any) string {
			in := input.(kvInput)
			if in.write {
				return fmt.Sprintf("%s ← %q", in.key, in.value)
			}
			return fmt.Sprintf("%s → %q", in.key, output.(string))
		},
		DescribeState: func(state any) string { return fmt.Sprintf("%q", state.(string)) },
		DescribeOperationMetadata: func(meta any) string {
			m, ok := meta.(kvMeta)
			if !ok {
				return ""
			}
			return m.id + " (" + m.outcome.String() + ")"
		},
	}
}

// partitionByKey splits a history by key, partitions in key order.
func partitionByKey(history []porcupine.Operation) [][]porcupine.Operation {
	byKey := map[string][]porcupine.Operation{}
	for _, op := range history {
		k := op.Input.(kvInput).key
		byKey[k] = append(byKey[k], op)
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([][]porcupine.Operation, len(keys))
	for i, k := range keys {
		out[i] = byKey[k]
	}
	return out
}

// kvHistory is the key-value part of a drill's history, as porcupine
// operations, with counts of what went in and what was left out.
type kvHistory struct {
	ops                                   []porcupine.Operation
	reads, writes, indeterminate, dropped int
}

// buildKVHistory turns the key-value operations of ops into porcupine
// operations. Acknowledged writes, and reads that returned a value (see
// readValue), keep their interval. An
// indeterminate write may or may not have happened: it returns at +∞, so
// it may take effect at any time after its call, or never observably.
// Failed writes did not happen and are dropped, as are reads that returned
// no value. Operations without a key are not key-value operations and are
// ignored.
func buildKVHistory(ops []load.Op) kvHistory {
	var h kvHistory
	for i := range ops {
		op := &ops[i]
		if op.Key == "" {
			continue
		}
		ret := int64(op.End)
		_, isRead := readValue(op)
		switch {
		case op.Outcome == load.Acknowledged && op.Write:
			h.writes++
		case isRead:
			h.reads++
		case op.Outcome == load.Indeterminate && op.Write:
			h.indeterminate++
			ret = math.MaxInt64
		default:
			h.dropped++
			continue
		}
		var output any = ""
		if !op.Write {
			output = op.Value
		}
		h.ops = append(h.ops, porcupine.Operation{
			Input:    kvInput{key: op.Key, write: op.Write, value: op.Value},
			Call:     int64(op.Start),
			Output:   output,
			Return:   ret,
			Metadata: kvMeta{id: op.ID, outcome: op.Outcome},
		})
	}
	return h
}

// onKeys returns the operations on the given keys, each partition's
// operations given rows (ClientId) on which they never overlap, so that
// the visualisation draws concurrent operations apart.
func onKeys(history []porcupine.Operation, keys []string) []porcupine.Operation {
	var out []porcupine.Operation
	for _, part := range partitionByKey(history) {
		if !slices.Contains(keys, part[0].Input.(kvInput).key) {
			continue
		}
		part = slices.Clone(part)
		slices.SortStableFunc(part, func(a, b porcupine.Operation) int { return cmp.Compare(a.Call, b.Call) })
		var rowEnds []int64
		for i := range part {
			row := slices.IndexFunc(rowEnds, func(end int64) bool { return end < part[i].Call })
			if row < 0 {
				row = len(rowEnds)
				rowEnds = append(rowEnds, 0)
			}
			rowEnds[row] = part[i].Return
			part[i].ClientId = row
		}
		out = append(out, part...)
	}
	return out
}

// readValue returns the value a key-value read returned, and whether it
// returned one: the system answered 2xx, or 404 (the key has no value),
// with an X-Value header (Op.HasValue). A read without X-Value says
// nothing of the key, and an answer of another status is a failure.
func readValue(op *load.Op) (string, bool) {
	if op.Key == "" || op.Write || !op.HasValue {
		return "", false
	}
	if op.Outcome != load.Acknowledged && op.Code != http.StatusNotFound {
		return "", false
	}
	return op.Value, true
}
