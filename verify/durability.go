package verify

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/faultdrill/faultdrill/httpapi"
	"github.com/faultdrill/faultdrill/load"
)

// maxListed bounds the ids listed in a report's evidence.
const maxListed = 100

// Durability reads back every write the system acknowledged and reports
// the ones it no longer has. With spec.List set it makes one list request
// and a set difference: a write is lost when its id is not listed, and a
// failed list request leaves every write unverified. Otherwise it reads
// each write with spec.Read: a write is lost when the answer means absent
// (spec.Response: 404 by default), present when it acknowledges (2xx by
// default), and any other answer leaves that write unverified.
// Indeterminate writes are counted apart and never read: they may or may
// not have taken effect. The verdict is Failure when more than rpo writes
// are lost, Unknown when some could not be verified or when there was no
// acknowledged write to read back, and Success otherwise; Coverage counts
// the writes read back.
func Durability(ctx context.Context, baseURL string, spec DurabilitySpec, ops []load.Op, rpo int) Result {
	res := Result{Name: NameDurability, Integrity: true}
	var c writeCheck
	var err error
	if !spec.List.IsZero() {
		c, err = listBack(ctx, baseURL, spec.List, ops)
	} else {
		c, err = readBack(ctx, baseURL, spec, ops)
	}
	if err != nil {
		res.Verdict, res.Summary = Unknown, err.Error()
		return res
	}
	res.Coverage = &Coverage{Checked: c.acked - len(c.unverified), Expected: c.acked, Unit: "acknowledged writes"}
	expected := expectedLoss(&c, ops, spec.ExpectedLossAfter)
	slices.Sort(c.lost)
	slices.Sort(c.unverified)

	res.Evidence = map[string]any{
		"acknowledged":  c.acked,
		"indeterminate": c.indeterminate,
		"failed":        c.failed,
		"lost":          len(c.lost),
		"unverified":    len(c.unverified),
		"rpo":           rpo,
	}
	if len(c.lost) > 0 {
		res.Evidence["lostIds"] = firstN(c.lost, maxListed)
	}
	if len(c.unverified) > 0 {
		res.Evidence["unverifiedIds"] = firstN(c.unverified, maxListed)
	}
	if c.listErr != nil {
		res.Evidence["listError"] = c.listErr.Error()
	}
	if spec.ExpectedLossAfter != nil {
		res.Evidence["expectedLost"] = len(expected)
		res.Evidence["snapshotAt"] = *spec.ExpectedLossAfter
		if len(expected) > 0 {
			res.Evidence["expectedLostIds"] = firstN(expected, maxListed)
		}
	}
	switch {
	case c.acked == 0:
		res.Verdict = Unknown
		res.Summary = fmt.Sprintf("no acknowledged write to read back (%d failed, %d indeterminate): durability checked nothing", c.failed, c.indeterminate)
	case len(c.lost) > rpo:
		res.Verdict = Failure
		res.Summary = fmt.Sprintf("%d of %d acknowledged writes lost (RPO allows %d)", len(c.lost), c.acked, rpo)
	case len(c.unverified) > 0:
		res.Verdict = Unknown
		res.Summary = fmt.Sprintf("%d of %d acknowledged writes could not be read back, so their durability is not known; %d of those read back were lost",
			len(c.unverified), c.acked, len(c.lost))
	default:
		res.Verdict = Success
		res.Summary = fmt.Sprintf("%d of %d acknowledged writes lost (RPO allows %d); %d indeterminate not counted",
			len(c.lost), c.acked, rpo, c.indeterminate)
	}
	if len(expected) > 0 {
		res.Summary += fmt.Sprintf("; %d acknowledged after the restored snapshot, lost as expected", len(expected))
	}
	return res
}

// expectedLoss moves out of c.lost the writes acknowledged after the
// restored snapshot was taken, and returns them sorted.
func expectedLoss(c *writeCheck, ops []load.Op, snapshotAt *time.Duration) []string {
	if snapshotAt == nil || len(c.lost) == 0 {
		return nil
	}
	ackedAt := make(map[string]time.Duration, len(c.lost))
	for _, id := range c.lost {
		ackedAt[id] = -1
	}
	for _, op := range ops {
		if _, ok := ackedAt[op.ID]; ok && op.Write && op.Outcome == load.Acknowledged {
			ackedAt[op.ID] = op.End
		}
	}
	var expected, bugs []string
	for _, id := range c.lost {
		if ackedAt[id] > *snapshotAt {
			expected = append(expected, id)
		} else {
			bugs = append(bugs, id)
		}
	}
	c.lost = bugs
	slices.Sort(expected)
	return expected
}

// writeCheck is what reading the writes back found: counts of distinct
// acknowledged writes and of indeterminate and failed ones, and the ids of
// the lost and the unverified acknowledged writes.
type writeCheck struct {
	acked, indeterminate, failed int
	lost, unverified             []string
	// listErr is why the list request failed, leaving every write unverified.
	listErr error
}

// readBack reads every acknowledged write with bounded concurrency and
// sorts out, by the spec's response rules, the lost (an answer meaning
// absent) and the unverified (any answer that is neither, or none).
func readBack(ctx context.Context, baseURL string, spec DurabilitySpec, ops []load.Op) (writeCheck, error) {
	t, err := CompileRead(spec.Read)
	if err != nil {
		return writeCheck{}, err
	}
	rules, err := spec.Response.Compile()
	if err != nil {
		return writeCheck{}, fmt.Errorf("verify: durability: %w: %w", ErrInvalidSpec, err)
	}
	var c writeCheck
	ids, _ := c.indexWrites(ops)
	fetchEach(ctx, baseURL, t, ids, spec.Concurrency, rules.NeedsBody(), func(id string, r reply) {
		if r.err != nil {
			c.unverified = append(c.unverified, id)
			return
		}
		switch a := rules.Read(r.code, r.header, r.body); {
		case a.Absent:
			c.lost = append(c.lost, id)
		case a.Ack:
		default:
			c.unverified = append(c.unverified, id)
		}
	})
	return c, nil
}

// listBack lists every stored id in one request and finds the acknowledged
// writes that are not listed. It indexes the acknowledged ids once and
// looks each listed id up without copying it, so that a million writes
// take well under a second. When the list request fails, every
// acknowledged write is unverified.
func listBack(ctx context.Context, baseURL string, list httpapi.Request, ops []load.Op) (writeCheck, error) {
	if _, err := CompileList(list); err != nil {
		return writeCheck{}, err
	}
	var c writeCheck
	acked, index := c.indexWrites(ops)
	body, err := fetchList(ctx, baseURL, list)
	if err != nil {
		c.unverified, c.listErr = acked, err
		return c, nil
	}
	listed := make([]bool, len(acked))
	err = eachID(body, func(id []byte) {
		if i, ok := index[string(id)]; ok {
			listed[i] = true
		}
	})
	if err != nil {
		c.unverified, c.listErr = acked, fmt.Errorf("verify: list: %w", err)
		return c, nil
	}
	for i, id := range acked {
		if !listed[i] {
			c.lost = append(c.lost, id)
		}
	}
	return c, nil
}

// indexWrites counts the writes of ops by outcome and returns the distinct
// acknowledged ids, each with its index in that list.
func (c *writeCheck) indexWrites(ops []load.Op) (acked []string, index map[string]int) {
	index = make(map[string]int, len(ops))
	for i := range ops {
		op := &ops[i]
		// Key-value writes overwrite each other by design: linearizability
		// and stale reads judge them, not a read-back by id.
		if !op.Write || op.Key != "" {
			continue
		}
		switch op.Outcome {
		case load.Acknowledged:
			if _, dup := index[op.ID]; !dup {
				index[op.ID] = len(acked)
				acked = append(acked, op.ID)
			}
		case load.Indeterminate:
			c.indeterminate++
		case load.Failed:
			c.failed++
		}
	}
	c.acked = len(acked)
	return acked, index
}

func firstN(ids []string, n int) []string {
	if len(ids) > n {
		return ids[:n]
	}
	return ids
}
