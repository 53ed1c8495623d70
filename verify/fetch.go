package verify

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/faultdrill/faultdrill/httpapi"
)

// defaultConcurrency is how many reads run at once when a spec sets none.
const defaultConcurrency = 16

// maxReadBody bounds the body kept from one per-id read.
const maxReadBody = 1 << 20

// reply is what one per-id read got: a status, the headers and, when
// asked for, the body; or the error that stopped it.
type reply struct {
	code   int
	header http.Header
	body   []byte
	err    error
}

// fetchEach makes the read request of t against baseURL for every id
// ({id} and {value} filled with it), with at most concurrency requests at
// once. It calls handle once per id, never concurrently. The body is kept
// only when keepBody is set.
func fetchEach(ctx context.Context, baseURL string, t *httpapi.Template, ids []string, concurrency int, keepBody bool, handle func(id string, r reply)) {
	if concurrency <= 0 {
		concurrency = defaultConcurrency
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
				r := fetchOne(ctx, client, t, baseURL, id, keepBody)
				mu.Lock()
				handle(id, r)
				mu.Unlock()
			}
		})
	}
	for _, id := range ids {
		work <- id
	}
	close(work)
	wg.Wait()
}

// fetchOne makes one request and drains its body.
func fetchOne(ctx context.Context, client *http.Client, t *httpapi.Template, baseURL, id string, keepBody bool) reply {
	req, err := t.NewRequest(ctx, baseURL, httpapi.Values{ID: id, Value: id})
	if err != nil {
		return reply{err: err}
	}
	resp, err := client.Do(req)
	if err != nil {
		return reply{err: err}
	}
	defer resp.Body.Close()
	r := reply{code: resp.StatusCode, header: resp.Header}
	if keepBody {
		r.body, r.err = io.ReadAll(io.LimitReader(resp.Body, maxReadBody))
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return r
}

// CompileRead checks and compiles a read-back request: a template that
// uses {id} (or {value}, the same), on a path from the service's root.
func CompileRead(r httpapi.Request) (*httpapi.Template, error) {
	t, err := compileRequest("read", r)
	if err != nil {
		return nil, err
	}
	if !t.Uses(httpapi.PlaceID) && !t.Uses(httpapi.PlaceValue) {
		return nil, fmt.Errorf("verify: read %s: %w: it does not use {id}; put {id} where the write's request id goes, such as \"GET /entries/{id}\"", r, ErrInvalidSpec)
	}
	return t, nil
}

// CompileList checks and compiles a list request: one request, no {id}.
func CompileList(r httpapi.Request) (*httpapi.Template, error) {
	t, err := compileRequest("list", r)
	if err != nil {
		return nil, err
	}
	if t.Uses(httpapi.PlaceID) || t.Uses(httpapi.PlaceKey) || t.Uses(httpapi.PlaceValue) {
		return nil, fmt.Errorf("verify: list %s: %w: it uses {id}, {key} or {value}; list is one request answering every stored id, such as \"GET /entries\"", r, ErrInvalidSpec)
	}
	return t, nil
}

// compileRequest compiles a request of the verifier named what.
func compileRequest(what string, r httpapi.Request) (*httpapi.Template, error) {
	if !strings.HasPrefix(r.Path, "/") || strings.ContainsAny(r.Path, " \t") {
		return nil, fmt.Errorf("verify: %s %s: %w: want a method and a path from the service's root, such as \"GET /entries/{id}\"", what, r, ErrInvalidSpec)
	}
	t, err := httpapi.Compile(r)
	if err != nil {
		return nil, fmt.Errorf("verify: %s: %w: %w", what, ErrInvalidSpec, err)
	}
	return t, nil
}
