package verify

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Endpoint is one health URL to check, named after its service.
type Endpoint struct {
	Service string
	URL     string
}

// Health checks that every endpoint answers 2xx within the timeout,
// polling each until it does. Services that never answer healthy are
// listed in the evidence with the last error or status they gave.
func Health(ctx context.Context, endpoints []Endpoint, timeout time.Duration) Result {
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}

	type verdict struct {
		service string
		problem string
	}
	verdicts := make(chan verdict, len(endpoints))
	for _, ep := range endpoints {
		go func() { verdicts <- verdict{ep.Service, pollHealthy(ctx, client, ep.URL)} }()
	}
	var healthy, unhealthy []string
	problems := map[string]string{}
	for range endpoints {
		v := <-verdicts
		if v.problem == "" {
			healthy = append(healthy, v.service)
			continue
		}
		unhealthy = append(unhealthy, v.service)
		problems[v.service] = v.problem
	}
	slices.Sort(healthy)
	slices.Sort(unhealthy)
	res := Result{
		Name:     NameHealth,
		Evidence: map[string]any{"healthy": healthy, "unhealthy": unhealthy},
	}
	if len(unhealthy) == 0 {
		res.Verdict = Success
		res.Summary = fmt.Sprintf("all %d services answered healthy", len(healthy))
		return res
	}
	res.Verdict = Failure
	res.Evidence["problems"] = problems
	res.Summary = fmt.Sprintf("%d of %d services unhealthy after the drill: %s",
		len(unhealthy), len(endpoints), strings.Join(unhealthy, ", "))
	return res
}

// pollHealthy returns "" once url answers 2xx, or the last problem seen
// when ctx ends first.
func pollHealthy(ctx context.Context, client *http.Client, url string) string {
	problem := "not checked"
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		p := probe(ctx, client, url)
		if p == "" {
			return ""
		}
		// A probe cut off by our own deadline says nothing about the
		// service: keep the last answer it actually gave.
		if ctx.Err() == nil || problem == "not checked" {
			problem = p
		}
		select {
		case <-ctx.Done():
			return problem
		case <-tick.C:
		}
	}
}

func probe(ctx context.Context, client *http.Client, url string) string {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err.Error()
	}
	resp, err := client.Do(req)
	if err != nil {
		return err.Error()
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Sprintf("%s answered %s", url, resp.Status)
	}
	return ""
}
