package ledger

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
)

// Response headers every answer of both tiers carries.
const (
	// HeaderVersion carries the release label of the tier that answered.
	HeaderVersion = "X-Version"
	// HeaderTier carries the tier that answered: "api" or "store".
	HeaderTier = "X-Tier"
	// HeaderStoreVersion is set by the api on forwarded answers: the
	// X-Version of the store that answered.
	HeaderStoreVersion = "X-Store-Version"
	// HeaderValue carries the value of a key-value answer; it is present
	// and empty on a 404.
	HeaderValue = "X-Value"
	// HeaderFlags is on every api answer: the feature flags the api
	// sees, as FormatFlags renders them; "" when there is none, or
	// before the api first reached the store.
	HeaderFlags = "X-Flags"
	// HeaderCache is "hit" on a key-value read the api answered from its
	// cache (the stale-cache defect).
	HeaderCache = "X-Cache"
)

// Health is the body of /healthz on both tiers and of /readyz on the api.
type Health struct {
	// Status is "ok" (healthz), "ready" or "unready" (readyz), or
	// "unavailable" when the store cannot read its database.
	Status  string `json:"status"`
	Tier    Tier   `json:"tier"`
	Version string `json:"version"`
	// Schema is the store's schema version.
	Schema int `json:"schema,omitempty"`
	// Store is the store's health as the api's readiness check saw it.
	Store *Health `json:"store,omitempty"`
	Error string  `json:"error,omitempty"`
}

// errorBody is the body of every error answer.
type errorBody struct {
	Error string `json:"error"`
}

// labelled sets X-Version and X-Tier on every answer of next, including
// the mux's own 404 and 405.
func labelled(tier Tier, version string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(HeaderVersion, version)
		w.Header().Set(HeaderTier, string(tier))
		next.ServeHTTP(w, r)
	})
}

// writeJSON answers code with v as JSON. An encoding failure cannot be
// reported once the status is sent, and v is always one of our own types.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers code with {"error": msg}.
func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, errorBody{Error: msg})
}

// writeValue answers 200 with a register value as the body and in
// X-Value.
func writeValue(w http.ResponseWriter, v string) {
	w.Header().Set(HeaderValue, v)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, v) // the client may have gone; nothing to do
}

// abort cuts the connection of an answer already under way, so the client
// reads a truncated body (an unexpected EOF) instead of a clean end that
// would pass a cut list off as complete.
func abort(w http.ResponseWriter, logger *slog.Logger) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		logger.Error("cannot cut the connection of a broken answer", "err", err)
		return
	}
	_ = conn.Close() // the point is to break it
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
