package verify

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// probeTimeout bounds one invariant measurement.
const probeTimeout = 10 * time.Second

// measureHTTP reads p.JSONPath from the JSON answer to GET baseURL+p.Path.
func measureHTTP(ctx context.Context, baseURL string, p HTTPProbe) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+p.Path, nil)
	if err != nil {
		return "", fmt.Errorf("verify: invariant: %w", err)
	}
	client := &http.Client{}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("verify: invariant: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxReadBody))
	if err != nil {
		return "", fmt.Errorf("verify: invariant: GET %s: %w", p.Path, err)
	}
	if resp.StatusCode/100 != 2 {
		return "", fmt.Errorf("verify: invariant: GET %s: %w: %s", p.Path, ErrBadResponse, resp.Status)
	}
	v, err := selectJSON(body, p.JSONPath)
	if err != nil {
		return "", fmt.Errorf("verify: invariant: GET %s: %w", p.Path, err)
	}
	return v, nil
}
