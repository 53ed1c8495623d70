package load

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// maxHistoryLine bounds one line of a history file.
const maxHistoryLine = 1 << 20

// WriteHistory writes h's operations to w as JSON lines, one Op per line,
// in order. Windows are not written: ReadHistory recomputes them.
func WriteHistory(w io.Writer, h *History) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	if h != nil {
		for i := range h.Ops {
			if err := enc.Encode(&h.Ops[i]); err != nil {
				return fmt.Errorf("load: write history: op %d: %w", i, err)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("load: write history: %w", err)
	}
	return nil
}

// ReadHistory reads a history that WriteHistory wrote: its ops in file
// order, and windows recomputed over them (from the window of the earliest
// start to the window of the latest end). Blank lines are skipped. A line
// that is not a valid Op gives an error wrapping ErrBadHistory and naming
// the line.
func ReadHistory(r io.Reader) (*History, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxHistoryLine)
	h := &History{}
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var op Op
		if err := json.Unmarshal(sc.Bytes(), &op); err != nil {
			return nil, fmt.Errorf("load: read history: line %d: %w: %w", line, ErrBadHistory, err)
		}
		if err := checkOp(&op); err != nil {
			return nil, fmt.Errorf("load: read history: line %d: %w: %w", line, ErrBadHistory, err)
		}
		h.Ops = append(h.Ops, op)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("load: read history: %w", err)
	}
	h.Windows = historyWindows(h.Ops)
	return h, nil
}

// checkOp rejects an op no run could have recorded.
func checkOp(op *Op) error {
	switch {
	case !op.Outcome.valid():
		return fmt.Errorf("op %q: outcome %q is not acknowledged, failed or indeterminate", op.ID, op.Outcome)
	case op.End < op.Start:
		return fmt.Errorf("op %q: ends (%s) before it starts (%s)", op.ID, op.End, op.Start)
	}
	return nil
}
