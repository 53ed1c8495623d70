package rollback

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// ErrUnexpectedStatus means an http or flag action got a status other
// than the one it expects.
var ErrUnexpectedStatus = errors.New("unexpected HTTP status")

// ErrNotLoopback means an action's absolute URL points off this machine;
// actions only call the SUT.
var ErrNotLoopback = errors.New("not a loopback address")

// httpCall makes the call of a flag or http action and checks its status.
func (ex *executor) httpCall(ctx context.Context, a ActionSpec, res *ActionResult) error {
	target, err := ex.actionURL(a)
	if err != nil {
		return err
	}
	method := a.Method
	switch {
	case method != "":
	case a.Action == Flag:
		method = http.MethodPost
	default:
		method = http.MethodGet
	}
	for _, e := range a.Expect {
		if err := e.Check(); err != nil {
			return err
		}
	}
	return ex.attempts(ctx, a, res, func(ctx context.Context, at *Attempt) error {
		once := func(ctx context.Context) error {
			status, body, err := call(ctx, method, target, a.Headers, a.Body)
			at.Status, res.HTTPStatus, res.Output = status, status, body
			if err != nil {
				return err
			}
			return a.answered(method, target, status, []byte(body))
		}
		if a.Until == nil {
			return once(ctx)
		}
		n, err := poll(ctx, a, once)
		res.Requests = n
		return err
	})
}

// answered checks a response against the action's status and
// expectations.
func (a ActionSpec) answered(method, target string, status int, body []byte) error {
	if (a.Status == 0 && status/100 != 2) || (a.Status != 0 && status != a.Status) {
		want := "2xx"
		if a.Status != 0 {
			want = fmt.Sprint(a.Status)
		}
		return fmt.Errorf("%w: %s %s answered %d, want %s", ErrUnexpectedStatus, method, target, status, want)
	}
	for _, e := range a.Expect {
		if err := e.holds(body); err != nil {
			return fmt.Errorf("%s %s: %w", method, target, err)
		}
	}
	return nil
}

// actionURL resolves the action's URL: a path on its service's base URL,
// or an absolute URL whose host must be a loopback address.
func (ex *executor) actionURL(a ActionSpec) (string, error) {
	if a.URL == "" {
		return "", fmt.Errorf("%w: %s needs a url", ErrBadSpec, a.Action)
	}
	if strings.HasPrefix(a.URL, "http://") || strings.HasPrefix(a.URL, "https://") {
		u, err := url.Parse(a.URL)
		if err != nil {
			return "", fmt.Errorf("%w: url %q: %w", ErrBadSpec, a.URL, err)
		}
		if !isLoopback(u.Hostname()) {
			return "", fmt.Errorf("%w: %s", ErrNotLoopback, u.Host)
		}
		return a.URL, nil
	}
	if a.Service == "" {
		return "", fmt.Errorf("%w: %s url %q is a path but names no service", ErrBadSpec, a.Action, a.URL)
	}
	base, err := ex.env.BaseURL(a.Service)
	if err != nil {
		return "", fmt.Errorf("address of %s: %w", a.Service, err)
	}
	return strings.TrimSuffix(base, "/") + "/" + strings.TrimPrefix(a.URL, "/"), nil
}

// isLoopback reports whether host is "localhost" or a loopback IP.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// call makes one HTTP request without following redirects and returns the
// status and the tail of the body.
func call(ctx context.Context, method, target string, headers map[string]string, body string) (int, string, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return 0, "", fmt.Errorf("%w: %w", ErrBadSpec, err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	if body != "" && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	var out tailBuffer
	_, err = io.Copy(&out, io.LimitReader(resp.Body, maxBody))
	return resp.StatusCode, out.String(), err
}
