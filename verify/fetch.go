package verify

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// defaultConcurrency is how many reads run at once when a spec sets none.
const defaultConcurrency = 16

// maxReadBody bounds the body kept from one per-id read.
const maxReadBody = 1 << 20

// reply is what one per-id read got: a status and, when asked for, the
// body; or the error that stopped it.
type reply struct {
	code int
	body []byte
	err  error
}

// fetchEach requests method baseURL+path for every id, {id} replaced by
// the escaped id, with at most concurrency requests at once. It calls
// handle once per id, never concurrently. The body is kept only when
// keepBody is set.
func fetchEach(ctx context.Context, baseURL, method, path string, ids []string, concurrency int, keepBody bool, handle func(id string, r reply)) {
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
				r := fetchOne(ctx, client, method, baseURL+strings.ReplaceAll(path, "{id}", url.PathEscape(id)), keepBody)
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
func fetchOne(ctx context.Context, client *http.Client, method, url string, keepBody bool) reply {
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		return reply{err: err}
	}
	resp, err := client.Do(req)
	if err != nil {
		return reply{err: err}
	}
	defer resp.Body.Close()
	r := reply{code: resp.StatusCode}
	if keepBody {
		r.body, r.err = io.ReadAll(io.LimitReader(resp.Body, maxReadBody))
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return r
}

// ParseRead splits a read template such as "GET /entries/{id}".
func ParseRead(read string) (method, path string, err error) {
	method, path, ok := strings.Cut(strings.TrimSpace(read), " ")
	path = strings.TrimSpace(path)
	if !ok || method == "" || !strings.HasPrefix(path, "/") || !strings.Contains(path, "{id}") || strings.ContainsAny(path, " \t") {
		return "", "", fmt.Errorf("verify: read %q: %w: want \"METHOD /path/{id}\"", read, ErrInvalidSpec)
	}
	return strings.ToUpper(method), path, nil
}

// ParseList splits a list template such as "GET /entries".
func ParseList(list string) (method, path string, err error) {
	method, path, ok := strings.Cut(strings.TrimSpace(list), " ")
	path = strings.TrimSpace(path)
	if !ok || method == "" || !strings.HasPrefix(path, "/") || strings.Contains(path, "{id}") || strings.ContainsAny(path, " \t") {
		return "", "", fmt.Errorf("verify: list %q: %w: want \"METHOD /path\" without {id}", list, ErrInvalidSpec)
	}
	return strings.ToUpper(method), path, nil
}
