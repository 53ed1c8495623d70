package verify

import (
	"github.com/faultdrill/faultdrill/internal/perm"

	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/faultdrill/faultdrill/load"
)

// DefaultLinearizabilityTimeout bounds the linearizability check when no
// timeout is given.
const DefaultLinearizabilityTimeout = 30 * time.Second

// minKeyBudget is the least time one key is given in the first pass, when
// the timeout shared among many keys would leave each too little to decide
// anything.
const minKeyBudget = 250 * time.Millisecond

// maxVisualizedKeys bounds the keys drawn in the HTML visualisation.
const maxVisualizedKeys = 10

// Linearizable checks that the key-value operations of ops (those with a
// Key) could have happened one at a time, each at an instant between its
// start and its end, on a store where a write sets the key's value and a
// read returns it ("" before the first write). Indeterminate writes may or
// may not have happened; failed writes and reads that did not succeed are
// left out.
//
// Such a history is linearizable if and only if each key's history is, so
// each key is decided on its own, after the reductions of reduceKey (an
// indeterminate write no read observed is left out; one whose unique
// value was read took effect before that read ended), which keep every
// verdict as it was. A key whose writes each wrote a distinct value — as
// the load generator's do — is decided exactly, without a search, by
// checkClusters. Any other key goes to porcupine, up to GOMAXPROCS keys
// at once, each within a time budget: the timeout (default
// DefaultLinearizabilityTimeout) bounds the whole search and is shared in
// two passes — first each key gets a fair share (timeout × workers /
// keys, at least minKeyBudget, at most the timeout), then the keys not
// decided in it are searched again with what the others left unused. A
// key porcupine cannot decide in its budget, or that the deadline leaves
// no time for, is unknown.
//
// The verdict is Failure when any key is violated — the keys at fault are
// listed with what is wrong, and porcupine's HTML visualisation of up to
// 10 of them (their reduced histories, searched again within timeout) is
// written to htmlPath when it is not empty — otherwise Unknown when any
// key was not decided, Success when every key is linearizable, and
// Skipped when there is no key-value operation. Coverage counts the keys
// decided of the keys in the history, so that a verdict gate can fail
// closed on the others; the evidence counts keys linearizable, violated
// and unknown.
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
	started := time.Now()
	keys, red := reduceKeys(partitionByKey(h.ops))
	run := decideKeys(model, keys, timeout)
	t := tally(keys)

	res.Coverage = &Coverage{Checked: len(t.ok) + len(t.bad), Expected: len(keys), Unit: "keys"}
	res.Evidence = map[string]any{
		"operations":           len(h.ops),
		"writes":               h.writes,
		"reads":                h.reads,
		"indeterminate":        h.indeterminate,
		"indeterminateUnread":  red.unread,
		"indeterminateBounded": red.bounded,
		"dropped":              h.dropped,
		"keys":                 len(keys),
		"keysChecked":          len(t.ok) + len(t.bad),
		"keysLinearizable":     len(t.ok),
		"keysViolated":         len(t.bad),
		"keysUnknown":          len(t.unknown),
		"keysSearched":         run.searched,
		"elapsed":              time.Since(started).Round(time.Millisecond).String(),
		"timeout":              timeout.String(),
	}
	if run.searched > 0 {
		res.Evidence["workers"] = run.workers
		res.Evidence["keyBudget"] = run.budget.Round(time.Millisecond).String()
	}
	undecided := ""
	if len(t.unknown) > 0 {
		res.Evidence["unknownKeys"] = firstN(t.unknown, maxListed)
		undecided = fmt.Sprintf("; %d of %d keys not decided within their time budget (first: %s; %s shared by the %d keys searched, %s each at first)",
			len(t.unknown), len(keys), t.unknown[0], timeout, run.searched, run.budget.Round(time.Millisecond))
	}

	switch {
	case len(t.bad) > 0:
		res.Verdict = Failure
		res.Evidence["nonLinearizableKeys"] = firstN(t.bad, maxListed)
		res.Evidence["violations"] = violations(keys, maxListed)
		res.Summary = fmt.Sprintf("the key-value history is not linearizable on %d of %d keys (first: %s)%s", len(t.bad), len(keys), t.bad[0], undecided)
		if htmlPath != "" {
			if err := visualize(model, keys, firstN(t.bad, maxVisualizedKeys), timeout, htmlPath); err != nil {
				res.Evidence["visualizationError"] = err.Error()
			} else {
				res.Evidence["visualization"] = htmlPath
			}
		}
	case len(t.unknown) > 0:
		res.Verdict = Unknown
		res.Summary = fmt.Sprintf("linearizability decided %d of %d keys, all linearizable%s", len(t.ok), len(keys), undecided)
	default:
		res.Verdict = Success
		res.Summary = fmt.Sprintf("the %d key-value operations on %d keys are linearizable, every key decided (%d indeterminate writes allowed either way)",
			len(h.ops), len(keys), h.indeterminate)
	}
	return res
}

// keyTally is the keys by verdict, in key order.
type keyTally struct{ ok, bad, unknown []string }

func tally(keys []keyCheck) keyTally {
	var t keyTally
	for _, k := range keys {
		switch k.result {
		case porcupine.Ok:
			t.ok = append(t.ok, k.key)
		case porcupine.Illegal:
			t.bad = append(t.bad, k.key)
		default:
			t.unknown = append(t.unknown, k.key)
		}
	}
	return t
}

// keyCheck is one key's reduced history and its verdict: Ok, Illegal,
// or Unknown (also when it was never checked), with what is wrong when
// it is Illegal.
type keyCheck struct {
	key    string
	ops    []porcupine.Operation
	result porcupine.CheckResult
	why    string
}

// violations says, for up to n violated keys, what is wrong with each.
func violations(keys []keyCheck, n int) map[string]string {
	out := map[string]string{}
	for _, k := range keys {
		if k.result == porcupine.Illegal && len(out) < n {
			out[k.key] = k.why
		}
	}
	return out
}

// reduceKeys reduces each partition with reduceKey and adds up what was
// done.
func reduceKeys(parts [][]porcupine.Operation) ([]keyCheck, reduction) {
	keys := make([]keyCheck, len(parts))
	var total reduction
	for i, part := range parts {
		ops, r := reduceKey(part)
		keys[i] = keyCheck{key: part[0].Input.(kvInput).key, ops: ops, result: porcupine.Unknown}
		total.unread += r.unread
		total.bounded += r.bounded
	}
	return keys, total
}

// keyRun says how the keys were decided: how many went to porcupine, on
// how many workers at once, with what first-pass budget each.
type keyRun struct {
	searched, workers int
	budget            time.Duration
}

// decideKeys sets each key's result: by checkClusters when it applies,
// else by porcupine within timeout (see searchKeys).
func decideKeys(model porcupine.Model, keys []keyCheck, timeout time.Duration) keyRun {
	var search []int
	for i := range keys {
		k := &keys[i]
		applies, why := checkClusters(k.ops)
		switch {
		case !applies:
			search = append(search, i)
		case why == "":
			k.result = porcupine.Ok
		default:
			k.result, k.why = porcupine.Illegal, why
		}
	}
	return searchKeys(model, keys, search, timeout)
}

// searchKeys decides the keys at indexes idx with porcupine, on up to
// GOMAXPROCS workers within timeout: a first pass gives every key a fair
// share, a second gives the keys it left undecided what remains until the
// deadline, shared among them, when that is more than they had.
func searchKeys(model porcupine.Model, keys []keyCheck, idx []int, timeout time.Duration) keyRun {
	if len(idx) == 0 {
		return keyRun{}
	}
	deadline := time.Now().Add(timeout)
	workers := min(runtime.GOMAXPROCS(0), len(idx))
	run := keyRun{searched: len(idx), workers: workers, budget: fairShare(timeout, workers, len(idx))}
	searchPass(model, keys, idx, run.budget, deadline, workers)

	var again []int
	for _, i := range idx {
		if keys[i].result == porcupine.Unknown {
			again = append(again, i)
		}
	}
	rest := time.Until(deadline)
	if len(again) == 0 || rest <= 0 {
		return run
	}
	w := min(workers, len(again))
	if budget := fairShare(rest, w, len(again)); budget > run.budget {
		searchPass(model, keys, again, budget, deadline, w)
	}
	return run
}

// fairShare is total split among n keys checked workers at a time, at
// least minKeyBudget and at most total.
func fairShare(total time.Duration, workers, n int) time.Duration {
	share := total * time.Duration(workers) / time.Duration(max(n, 1))
	return min(max(share, minKeyBudget), total)
}

// searchPass searches the keys at indexes idx on workers goroutines, each
// for at most budget and never past deadline; a key whose turn comes after
// the deadline stays Unknown.
func searchPass(model porcupine.Model, keys []keyCheck, idx []int, budget time.Duration, deadline time.Time, workers int) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				k := &keys[i]
				if b := min(budget, time.Until(deadline)); b > 0 {
					k.result = porcupine.CheckOperationsTimeout(model, k.ops, b)
				}
				if k.result == porcupine.Illegal {
					k.why = "porcupine found no order of its operations that a register allows within their intervals"
				}
			}
		})
	}
	for _, i := range idx {
		next <- i
	}
	close(next)
	wg.Wait()
}

// visualize checks the reduced histories of the given keys again and
// writes porcupine's HTML visualisation of them to path.
func visualize(model porcupine.Model, keys []keyCheck, names []string, timeout time.Duration, path string) error {
	var parts [][]porcupine.Operation
	for _, k := range keys {
		for _, name := range names {
			if k.key == name {
				parts = append(parts, k.ops)
			}
		}
	}
	_, info := porcupine.CheckOperationsVerbose(model, withRows(parts), timeout)
	if err := os.MkdirAll(filepath.Dir(path), perm.Dir); err != nil {
		return fmt.Errorf("verify: linearizability visualisation: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm.File)
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
