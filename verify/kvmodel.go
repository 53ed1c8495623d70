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

// never is the Return of an indeterminate write: it may take effect at
// any time after its call, or not at all.
const never = math.MaxInt64

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
			ret = never
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

// withRows returns the operations of parts, each partition's operations
// given rows (ClientId) on which they never overlap, so that the
// visualisation draws concurrent operations apart.
func withRows(parts [][]porcupine.Operation) []porcupine.Operation {
	var out []porcupine.Operation
	for _, part := range parts {
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

// reduction counts what reduceKey did to one key's operations.
type reduction struct {
	// unread is how many indeterminate writes were left out because no
	// read returned their value.
	unread int
	// bounded is how many indeterminate writes were given a finite
	// Return: the end of the first read that returned their value.
	bounded int
}

// reduceKey returns the operations of one key (one partition of
// partitionByKey) with its indeterminate writes simplified, and what it
// did. The result is linearizable for registerModel if and only if part
// is, but porcupine decides it far faster.
//
// Why the reductions are needed. An indeterminate write returns at +∞
// (never), so porcupine's search keeps it pending from its call to the
// end of the history: at every later point it may or may not have taken
// effect yet. The search caches (set of operations linearized, state)
// pairs; with k such writes pending, the sets alone number up to 2^k, and
// every backtrack over a read revisits them. One key with a few dozen
// indeterminate writes is enough to exhaust any time budget, even though
// the rest of its history is small.
//
// Two reductions, applied in this order, leave no write pending to the
// end of the history unless its value repeats. Both preserve
// linearizability in both directions, so they can neither hide a
// violation nor invent one. In a register a sequential history is legal
// when each read returns the value of the last write before it, or ""
// (Init) when there is none.
//
// (1) An indeterminate write w whose value v no read of the key returned
// is left out. If the history H is linearizable, take a linearization L:
// any read placed after w and before the next write would return v, and
// no read returns v, so no read sits there; removing w changes the value
// seen by no read, and the remaining points keep their order, so L - w
// linearizes H - w. Conversely, if H - w has a linearization L', put w
// after every operation of L': its interval [Call, +∞) allows any point
// after its call, and no read follows it, so L' + w linearizes H. Each
// removal leaves what the others depend on (the reads) unchanged, so all
// such writes go at once.
//
// (2) An indeterminate write w whose value v is not "" and is written by
// no other write of the key, and which some read returned, gets Return =
// max(Call, the earliest Return of a read that returned v). In any
// linearization of H such a read r follows a write of v, which can only
// be w; so w's point precedes r's point, which is at most r.Return, and
// every linearization of H respects the narrower interval: H' is
// linearizable whenever H is. Conversely, narrowing an interval only
// removes linearizations, so H is linearizable whenever H' is. (When r
// ended before w was called, H has no linearization, and neither has H',
// where w is the single point Call.) Writes whose value is written twice
// keep Return = +∞: a read of it may be explained by the other write.
//
// Acknowledged writes are never left out, even when no read returned
// their value: they took effect within their interval, and a later read
// of an older value is exactly the stale read the check must catch.
func reduceKey(part []porcupine.Operation) ([]porcupine.Operation, reduction) {
	firstRead := map[string]int64{} // value → earliest Return of a read that returned it
	writers := map[string]int{}     // value → how many writes wrote it
	for _, op := range part {
		in := op.Input.(kvInput)
		if in.write {
			writers[in.value]++
			continue
		}
		v := op.Output.(string)
		if end, seen := firstRead[v]; !seen || op.Return < end {
			firstRead[v] = op.Return
		}
	}
	var r reduction
	out := make([]porcupine.Operation, 0, len(part))
	for _, op := range part {
		in := op.Input.(kvInput)
		if in.write && op.Return == never {
			end, observed := firstRead[in.value]
			switch {
			case !observed:
				r.unread++
				continue
			case in.value != "" && writers[in.value] == 1:
				op.Return = max(op.Call, end)
				r.bounded++
			}
		}
		out = append(out, op)
	}
	return out, r
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

// cluster is the write of one value and the reads that returned it; the
// first cluster of a key is its initial value "", written by a virtual
// write before every operation.
type cluster struct {
	value string
	write *porcupine.Operation // nil for the initial value
	// minReturn is the earliest Return and maxCall the latest Call of the
	// cluster's operations, with the operations that have them (nil: the
	// virtual write).
	minReturn, maxCall     int64
	minReturnOp, maxCallOp *porcupine.Operation
}

// checkClusters decides one key's reduced history (see reduceKey) exactly
// and without a search, when every write of the key wrote a distinct
// value other than "" — the load generator writes each request's own id.
// applies is false otherwise, and porcupine must decide. When it applies,
// why says what makes the history not linearizable, or is "" when it is.
//
// The proof. With distinct values, a legal sequential history of a
// register is a sequence of blocks, one per written value: the write,
// then the reads that returned its value; the block of the initial value
// "" (a virtual write at -∞, then the reads of "") comes first. A block
// cannot be split — between a write and a read of its value no other
// write may come, and a read of that value cannot follow another write.
// So the history is linearizable if and only if
//
//   - every read returned "" or a value some write of the key wrote;
//   - no read ended before the write of its value began (inside a block,
//     the write comes first, the reads in any order consistent with real
//     time);
//   - the blocks can be ordered consistently with real time. Block A must
//     come before another block B when an operation of A ended before
//     one of B began: minReturn(A) < maxCall(B). (The virtual write ends
//     at -∞, so the initial block comes before every other.) An order
//     exists if and only if this relation has no cycle, and it has a
//     cycle only if it has one of two blocks: take a shortest cycle
//     A1 → A2 → … → Ak → A1 with k ≥ 3. An edge Ai → Ai+2 would close a
//     shorter cycle, so minReturn(Ai) ≥ maxCall(Ai+2), while
//     minReturn(Ai) < maxCall(Ai+1): maxCall(Ai+2) < maxCall(Ai+1) for
//     every i, impossible around a cycle.
//
// So the history is not linearizable exactly when a read is bad, or two
// clusters A and B have minReturn(A) < maxCall(B) and minReturn(B) <
// maxCall(A). This is the zone condition of Gibbons and Korach (1997),
// with porcupine's closed intervals: operations that end and begin at the
// same instant may be ordered either way. Clusters sorted by minReturn
// find such a pair in O(n log n). The proof needs no reduction: an
// indeterminate write at +∞ is a block that may go last. Reduction (1)
// only keeps such writes out of porcupine's way when values repeat.
func checkClusters(part []porcupine.Operation) (applies bool, why string) {
	clusters := []cluster{{minReturn: math.MinInt64, maxCall: math.MinInt64}}
	byValue := map[string]int{"": 0}
	for i := range part {
		op := &part[i]
		in := op.Input.(kvInput)
		if !in.write {
			continue
		}
		if _, dup := byValue[in.value]; dup {
			return false, ""
		}
		byValue[in.value] = len(clusters)
		clusters = append(clusters, cluster{value: in.value, write: op,
			minReturn: op.Return, maxCall: op.Call, minReturnOp: op, maxCallOp: op})
	}
	for i := range part {
		op := &part[i]
		if op.Input.(kvInput).write {
			continue
		}
		v := op.Output.(string)
		c, written := byValue[v]
		if !written {
			return true, fmt.Sprintf("%s returned %q, which no write of the key wrote", opName(op), v)
		}
		cl := &clusters[c]
		if cl.write != nil && op.Return < cl.write.Call {
			return true, fmt.Sprintf("%s returned %q before %s, which wrote it, began", opName(op), v, opName(cl.write))
		}
		if op.Return < cl.minReturn {
			cl.minReturn, cl.minReturnOp = op.Return, op
		}
		if op.Call > cl.maxCall {
			cl.maxCall, cl.maxCallOp = op.Call, op
		}
	}
	a, b, found := crossedClusters(clusters)
	switch {
	case !found:
		return true, ""
	case b.write == nil:
		a, b = b, a
	}
	if a.write == nil {
		return true, fmt.Sprintf("%s returned the initial value \"\" after %s, of %q, had ended", opName(a.maxCallOp), opName(b.minReturnOp), b.value)
	}
	return true, fmt.Sprintf("neither %q nor %q can have been current first: %s ended before %s began, and %s ended before %s began",
		a.value, b.value, opName(a.minReturnOp), opName(b.maxCallOp), opName(b.minReturnOp), opName(a.maxCallOp))
}

// crossedClusters finds two clusters each of which must come before the
// other: a.minReturn < b.maxCall and b.minReturn < a.maxCall.
func crossedClusters(clusters []cluster) (a, b *cluster, found bool) {
	order := make([]int, len(clusters))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int { return cmp.Compare(clusters[i].minReturn, clusters[j].minReturn) })
	// best[p] and second[p]: the two clusters of latest maxCall among the
	// first p in order, -1 when there are fewer.
	best, second := make([]int, len(order)+1), make([]int, len(order)+1)
	best[0], second[0] = -1, -1
	for p, c := range order {
		best[p+1], second[p+1] = best[p], second[p]
		switch {
		case best[p] < 0 || clusters[c].maxCall > clusters[best[p]].maxCall:
			best[p+1], second[p+1] = c, best[p]
		case second[p] < 0 || clusters[c].maxCall > clusters[second[p]].maxCall:
			second[p+1] = c
		}
	}
	for bi := range clusters {
		b := &clusters[bi]
		// the clusters that must come before b: minReturn < b.maxCall
		p, _ := slices.BinarySearchFunc(order, b.maxCall, func(i int, t int64) int {
			return cmp.Compare(clusters[i].minReturn, t)
		})
		// BinarySearchFunc finds the first minReturn ≥ maxCall; ties are
		// not "before", so p is the count of strictly smaller ones.
		ai := best[p]
		if ai == bi {
			ai = second[p]
		}
		if ai >= 0 && b.minReturn < clusters[ai].maxCall {
			return &clusters[ai], b, true
		}
	}
	return nil, nil, false
}

// opName names an operation by its id.
func opName(op *porcupine.Operation) string {
	if m, ok := op.Metadata.(kvMeta); ok {
		return m.id
	}
	return "an operation"
}
