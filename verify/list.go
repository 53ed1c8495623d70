package verify

import (
	"github.com/faultdrill/faultdrill/httpapi"

	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// maxListBody bounds the answer to a list request: 256 MiB holds well over
// ten million ids.
const maxListBody = 256 << 20

// listTimeout bounds one list request.
const listTimeout = time.Minute

// ListIDs makes the list request ("GET /entries") on baseURL and returns
// the ids of its answer: a JSON array of strings or numbers, or one id per
// line (blank lines ignored, spaces trimmed). A non-2xx answer or a body
// that is neither wraps ErrBadResponse.
func ListIDs(ctx context.Context, baseURL string, list httpapi.Request) ([]string, error) {
	body, err := fetchList(ctx, baseURL, list)
	if err != nil {
		return nil, err
	}
	var ids []string
	if err := eachID(body, func(id []byte) { ids = append(ids, string(id)) }); err != nil {
		return nil, fmt.Errorf("verify: list: %w", err)
	}
	return ids, nil
}

// fetchList makes the list request and returns the body of its answer.
func fetchList(ctx context.Context, baseURL string, list httpapi.Request) ([]byte, error) {
	t, err := CompileList(list)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, listTimeout)
	defer cancel()
	req, err := t.NewRequest(ctx, baseURL, httpapi.Values{})
	if err != nil {
		return nil, fmt.Errorf("verify: list: %w", err)
	}
	client := &http.Client{}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("verify: list: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("verify: list: %s: %w: %s", list, ErrBadResponse, resp.Status)
	}
	body, err := readAll(resp, maxListBody+1)
	if err != nil {
		return nil, fmt.Errorf("verify: list: %s: %w", list, err)
	}
	if len(body) > maxListBody {
		return nil, fmt.Errorf("verify: list: %s: %w: answer larger than %d bytes", list, ErrBadResponse, maxListBody)
	}
	return body, nil
}

// eachID calls fn with every id of a list answer — a JSON array, or one id
// per line — without copying when it can: fn must not keep id.
func eachID(body []byte, fn func(id []byte)) error {
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) > 0 && trimmed[0] == '{':
		return fmt.Errorf("%w: a JSON object; want a JSON array of ids or one id per line", ErrBadResponse)
	case len(trimmed) == 0 || trimmed[0] != '[':
		eachLine(body, fn)
		return nil
	}
	if plainStrings(trimmed, func([]byte) {}) {
		plainStrings(trimmed, fn)
		return nil
	}
	ids, err := parseJSONIDs(trimmed)
	if err != nil {
		return err
	}
	for _, id := range ids {
		fn([]byte(id))
	}
	return nil
}

// eachLine calls fn with every non-blank line of body, trimmed.
func eachLine(body []byte, fn func(id []byte)) {
	for len(body) > 0 {
		line := body
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			body = nil
		}
		if id := bytes.TrimSpace(line); len(id) > 0 {
			fn(id)
		}
	}
}

// parseJSONIDs reads a JSON array of strings, or of strings and numbers.
func parseJSONIDs(body []byte) ([]string, error) {
	var ids []string
	if err := json.Unmarshal(body, &ids); err == nil {
		return ids, nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("%w: not a JSON array of ids: %w", ErrBadResponse, err)
	}
	ids = make([]string, 0, len(raw))
	for i, r := range raw {
		var v any
		dec := json.NewDecoder(bytes.NewReader(r))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%w: id %d: %w", ErrBadResponse, i, err)
		}
		switch v := v.(type) {
		case string:
			ids = append(ids, v)
		case json.Number:
			ids = append(ids, v.String())
		default:
			return nil, fmt.Errorf("%w: id %d is %s, want a string or a number", ErrBadResponse, i, r)
		}
	}
	return ids, nil
}

// readAll reads at most limit bytes of resp's body, in one allocation when
// the length is announced.
func readAll(resp *http.Response, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	if n := resp.ContentLength; n > 0 && n < limit {
		buf.Grow(int(n) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(io.LimitReader(resp.Body, limit))
	return buf.Bytes(), err
}

// plainStrings calls fn with every string of a JSON array of strings
// without escapes, the common shape of a list answer, several times faster
// than encoding/json and without copying. It reports false, maybe after
// some calls, for anything else, which the caller decodes the slow way.
func plainStrings(b []byte, fn func(id []byte)) bool {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return skipSpace(b, i+1) == len(b)
	}
	for i < len(b) {
		if b[i] != '"' {
			return false
		}
		n := bytes.IndexByte(b[i+1:], '"')
		if n < 0 {
			return false
		}
		s := b[i+1 : i+1+n]
		for _, c := range s {
			if c == '\\' || c < 0x20 {
				return false
			}
		}
		fn(s)
		i = skipSpace(b, i+n+2)
		switch {
		case i < len(b) && b[i] == ',':
			i = skipSpace(b, i+1)
		case i < len(b) && b[i] == ']':
			return skipSpace(b, i+1) == len(b)
		default:
			return false
		}
	}
	return false
}

// skipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}
