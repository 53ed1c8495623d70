package verify

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/faultdrill/faultdrill/load"
)

// maxListed bounds the ids listed in a report's evidence.
const maxListed = 100

// Durability reads back every write the system acknowledged and reports
// the ones it no longer has. A write is lost when the read answers 404;
// a read that fails otherwise leaves that write unverified. Indeterminate
// writes are counted apart and never read: they may or may not have taken
// effect. The verdict is Failure when more than rpo writes are lost,
// Unknown when some could not be verified, and Success otherwise.
func Durability(ctx context.Context, baseURL string, spec DurabilitySpec, ops []load.Op, rpo int) Result {
	res := Result{Name: "durability", Integrity: true}
	method, path, err := ParseRead(spec.Read)
	if err != nil {
		res.Verdict, res.Summary = Unknown, err.Error()
		return res
	}
	acked, indeterminate, failed := writeOutcomes(ops)
	lost, unverified := readBack(ctx, baseURL, method, path, acked, spec.Concurrency)

	res.Evidence = map[string]any{
		"acknowledged":  len(acked),
		"indeterminate": indeterminate,
		"failed":        failed,
		"lost":          len(lost),
		"unverified":    len(unverified),
		"rpo":           rpo,
	}
	if len(lost) > 0 {
		res.Evidence["lostIds"] = firstN(lost, maxListed)
	}
	if len(unverified) > 0 {
		res.Evidence["unverifiedIds"] = firstN(unverified, maxListed)
	}
	switch {
	case len(lost) > rpo:
		res.Verdict = Failure
		res.Summary = fmt.Sprintf("%d of %d acknowledged writes lost (RPO allows %d)", len(lost), len(acked), rpo)
	case len(unverified) > 0:
		res.Verdict = Unknown
		res.Summary = fmt.Sprintf("%d of %d acknowledged writes could not be read back", len(unverified), len(acked))
	default:
		res.Verdict = Success
		res.Summary = fmt.Sprintf("%d of %d acknowledged writes lost (RPO allows %d); %d indeterminate not counted",
			len(lost), len(acked), rpo, indeterminate)
	}
	return res
}

// ParseRead splits a read template such as "GET /entries/{id}".
func ParseRead(read string) (method, path string, err error) {
	method, path, ok := strings.Cut(strings.TrimSpace(read), " ")
	path = strings.TrimSpace(path)
	if !ok || method == "" || !strings.HasPrefix(path, "/") || !strings.Contains(path, "{id}") || strings.ContainsAny(path, " \t") {
		return "", "", fmt.Errorf("durability read %q: want \"METHOD /path/{id}\"", read)
	}
	return strings.ToUpper(method), path, nil
}

// writeOutcomes returns the distinct ids of acknowledged writes, and counts
// of indeterminate and failed ones.
func writeOutcomes(ops []load.Op) (acked []string, indeterminate, failed int) {
	seen := make(map[string]struct{}, len(ops))
	for _, op := range ops {
		if !op.Write {
			continue
		}
		switch op.Outcome {
		case load.Acknowledged:
			if _, dup := seen[op.ID]; !dup {
				seen[op.ID] = struct{}{}
				acked = append(acked, op.ID)
			}
		case load.Indeterminate:
			indeterminate++
		case load.Failed:
			failed++
		}
	}
	return acked, indeterminate, failed
}

// readBack reads every id with bounded concurrency and sorts out the lost
// (404) and the unverified (any other failure).
func readBack(ctx context.Context, baseURL, method, path string, ids []string, concurrency int) (lost, unverified []string) {
	if concurrency <= 0 {
		concurrency = 16
	}
	client := &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: concurrency},
	}
	defer client.CloseIdleConnections()

	var mu sync.Mutex
	work := make(chan string)
	var wg sync.WaitGroup
	for range concurrency {
		wg.Go(func() {
			for id := range work {
				present, err := readOne(ctx, client, method, baseURL+strings.ReplaceAll(path, "{id}", url.PathEscape(id)))
				mu.Lock()
				switch {
				case err != nil:
					unverified = append(unverified, id)
				case !present:
					lost = append(lost, id)
				}
				mu.Unlock()
			}
		})
	}
	for _, id := range ids {
		work <- id
	}
	close(work)
	wg.Wait()
	slices.Sort(lost)
	slices.Sort(unverified)
	return lost, unverified
}

func readOne(ctx context.Context, client *http.Client, method, url string) (present bool, err error) {
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		return false, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	switch {
	case resp.StatusCode/100 == 2:
		return true, nil
	case resp.StatusCode == http.StatusNotFound:
		return false, nil
	}
	return false, fmt.Errorf("%s %s: %s", method, url, resp.Status)
}

func firstN(ids []string, n int) []string {
	if len(ids) > n {
		return ids[:n]
	}
	return ids
}
