package load_test

import (
	"bytes"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/faultdrill/faultdrill/load"
)

// benchOps returns n ops like those of a key-value drill: writes, and
// reads that found a value.
func benchOps(n int) []load.Op {
	ops := make([]load.Op, n)
	for i := range ops {
		id := fmt.Sprintf("w-%06d-%08x", i, i*2654435761)
		ops[i] = load.Op{ID: id, Stream: "w", Start: time.Duration(i) * time.Millisecond, End: time.Duration(i)*time.Millisecond + 3*time.Millisecond,
			Code: 200, Outcome: load.Acknowledged, Version: "v1", Flags: "dark-mode", Key: fmt.Sprintf("k%d", i%100), Write: i%2 == 0}
		if i%2 == 0 {
			ops[i].Value, ops[i].HasValue = id, true
		} else {
			ops[i].Stream, ops[i].Value, ops[i].HasValue = "r", ops[i-1].ID, true
		}
	}
	return ops
}

// BenchmarkWriteHistory measures encoding a history, per op.
func BenchmarkWriteHistory(b *testing.B) {
	h := &load.History{Ops: benchOps(100_000)}
	for b.Loop() {
		if err := load.WriteHistory(io.Discard, h); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(h.Ops)), "ns/op-line")
}

// BenchmarkReadHistory measures reading a history back, per op.
func BenchmarkReadHistory(b *testing.B) {
	var file bytes.Buffer
	if err := load.WriteHistory(&file, &load.History{Ops: benchOps(100_000)}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := load.ReadHistory(bytes.NewReader(file.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100_000), "ns/op-line")
	b.ReportMetric(float64(file.Len())/100_000, "B/line")
}
