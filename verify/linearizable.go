package verify

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/faultdrill/faultdrill/load"
)

// DefaultLinearizabilityTimeout bounds the linearizability check when no
// timeout is given.
const DefaultLinearizabilityTimeout = 30 * time.Second

// maxVisualizedKeys bounds the keys drawn in the HTML visualisation.
const maxVisualizedKeys = 10

// Linearizable checks with porcupine that the key-value operations of ops
// (those with a Key) could have happened one at a time, each at an instant
// between its start and its end, on a store where a write sets the key's
// value and a read returns it ("" before the first write). The history is
// checked key by key. Indeterminate writes may or may not have happened;
// failed writes and reads that did not succeed are left out.
//
// The verdict is Success when the history is linearizable, Failure when it
// is not — the keys at fault are listed, and porcupine's HTML
// visualisation of up to 10 of them is written to htmlPath when it is not
// empty — Unknown when the check did not finish within timeout (default
// DefaultLinearizabilityTimeout), and Skipped when there is no key-value
// operation.
func Linearizable(ops []load.Op, timeout time.Duration, htmlPath string) Result {
	res := Result{Name: NameLinearizability, Integrity: true}
	h := buildKVHistory(ops)
	if len(h.ops) == 0 {
		res.Verdict, res.Summary = Skipped, "the history has no key-value operation to check"
		return res
	}
	if timeout <= 0 {
		timeout = DefaultLinearizabilityTimeout
	}
	model := registerModel()
	parts := partitionByKey(h.ops)
	started := time.Now()
	verdict, info := porcupine.CheckOperationsVerbose(model, h.ops, timeout)
	elapsed := time.Since(started)

	res.Evidence = map[string]any{
		"operations":    len(h.ops),
		"keys":          len(parts),
		"writes":        h.writes,
		"reads":         h.reads,
		"indeterminate": h.indeterminate,
		"dropped":       h.dropped,
		"elapsed":       elapsed.Round(time.Millisecond).String(),
		"timeout":       timeout.String(),
	}
	switch verdict {
	case porcupine.Ok:
		res.Verdict = Success
		res.Summary = fmt.Sprintf("the %d key-value operations on %d keys are linearizable (%d indeterminate writes allowed either way)",
			len(h.ops), len(parts), h.indeterminate)
		return res
	case porcupine.Unknown:
		res.Verdict = Unknown
		res.Summary = fmt.Sprintf("the linearizability check of %d operations on %d keys did not finish within %s",
			len(h.ops), len(parts), timeout)
		return res
	}

	bad := illegalKeys(parts, info)
	res.Verdict = Failure
	res.Evidence["nonLinearizableKeys"] = firstN(bad, maxListed)
	if elapsed >= timeout {
		// keys whose check was cut short are listed with those at fault
		res.Evidence["incomplete"] = true
	}
	res.Summary = fmt.Sprintf("the key-value history is not linearizable on %d of %d keys (first: %s)", len(bad), len(parts), first(bad))
	if htmlPath != "" {
		if err := visualize(model, h.ops, firstN(bad, maxVisualizedKeys), timeout, htmlPath); err != nil {
			res.Evidence["visualizationError"] = err.Error()
		} else {
			res.Evidence["visualization"] = htmlPath
		}
	}
	return res
}

// illegalKeys returns, in key order, the keys whose partition porcupine
// could not linearize completely.
func illegalKeys(parts [][]porcupine.Operation, info porcupine.LinearizationInfo) []string {
	partials := info.PartialLinearizations()
	var bad []string
	for i, part := range parts {
		complete := false
		if i < len(partials) {
			for _, lin := range partials[i] {
				complete = complete || len(lin) == len(part)
			}
		}
		if !complete {
			bad = append(bad, part[0].Input.(kvInput).key)
		}
	}
	return bad
}

// visualize checks the operations on keys again and writes porcupine's
// HTML visualisation of them to path.
func visualize(model porcupine.Model, history []porcupine.Operation, keys []string, timeout time.Duration, path string) error {
	_, info := porcupine.CheckOperationsVerbose(model, onKeys(history, keys), timeout)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("verify: linearizability visualisation: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("verify: linearizability visualisation: %w", err)
	}
	if err := porcupine.Visualize(model, info, f); err != nil {
		f.Close()
		return fmt.Errorf("verify: linearizability visualisation: %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("verify: linearizability visualisation: %s: %w", path, err)
	}
	return nil
}

// first returns the first of ids, or "none".
func first(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	return ids[0]
}
