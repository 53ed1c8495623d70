package ledger

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"net/url"
	"time"
)

// Handler returns the api's HTTP API: the store's routes, forwarded, and
//
//	GET /healthz  200 while the process is up
//	GET /readyz   200 if the store answered its /healthz within ReadyTimeout, else 503
//
// Forwarded answers keep the store's 2xx and 4xx; a store 5xx becomes 502,
// no answer in time 504, any other failure to reach the store 502. Every
// answer carries X-Flags. The defects hit the data routes (entries,
// accounts, kv); the integrity routes (GET /entries, /totals) and /flags
// are left alone, so verifiers read the truth and a flag can always be
// flipped back.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("PUT /entries/{id}", a.authorized(a.defective(a.putEntry, true)))
	mux.Handle("GET /entries/{id}", a.defective(a.getEntry, false))
	mux.HandleFunc("GET /entries", a.listEntries)
	mux.Handle("GET /accounts/{account}", a.defective(a.getAccount, false))
	mux.HandleFunc("GET /totals", a.getTotals)
	mux.Handle("PUT /kv/{key}", a.authorized(a.defective(a.putValue, true)))
	mux.Handle("GET /kv/{key}", a.defective(a.getValue, false))
	mux.HandleFunc("PUT /flags/{name}", a.putFlag)
	mux.HandleFunc("GET /flags", a.getFlags)
	mux.HandleFunc("GET /healthz", a.healthz)
	mux.HandleFunc("GET /readyz", a.readyz)
	return labelled(TierAPI, a.cfg.Version, a.withFlags(mux))
}

// authorized answers 401 to a request without the configured token.
func (a *API) authorized(next http.Handler) http.Handler {
	if a.cfg.Token == "" {
		return next
	}
	want := []byte("Bearer " + a.cfg.Token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			http.Error(w, "missing or wrong bearer token", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// defective wraps a data route with the defects that hit any request —
// the latency regression, then the error spike — and, for a write, the
// bad flag's code path.
func (a *API) defective(next http.HandlerFunc, write bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d := a.cfg.Defects.Latency; d > 0 && !sleep(r.Context(), d) {
			return // the client went away
		}
		if a.errorSpike.flip() || (write && a.badFlagHits()) {
			writeError(w, http.StatusInternalServerError, "api: internal error")
			return
		}
		next(w, r)
	})
}

// badFlagHits reports whether this write takes the bad flag's failing
// path: the flag is on and the coin says so.
func (a *API) badFlagHits() bool {
	name := a.cfg.Defects.BadFlag
	return name != "" && a.flags.on(name) && a.badFlag.flip()
}

func (a *API) putEntry(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := checkID(id); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	p, err := decodePosting(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if a.lostWrites.flip() {
		// Acknowledged, never forwarded: the write is lost.
		writeJSON(w, http.StatusCreated, Entry{ID: id, Account: p.Account, Amount: p.Amount, CreatedAt: time.Now().UTC(), Applied: 1})
		return
	}
	body, err := json.Marshal(p)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "api: internal error")
		return
	}
	a.forward(w, r, storeRequest{method: http.MethodPut, path: "/entries/" + url.PathEscape(id), body: body, ctype: "application/json"})
}

func (a *API) getEntry(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := checkID(id); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	a.forward(w, r, storeRequest{method: http.MethodGet, path: "/entries/" + url.PathEscape(id)})
}

func (a *API) listEntries(w http.ResponseWriter, r *http.Request) {
	a.stream(w, r, "/entries")
}

func (a *API) getAccount(w http.ResponseWriter, r *http.Request) {
	account := r.PathValue("account")
	if err := checkName("account", account, MaxAccountLen); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	a.forward(w, r, storeRequest{method: http.MethodGet, path: "/accounts/" + url.PathEscape(account)})
}

func (a *API) getTotals(w http.ResponseWriter, r *http.Request) {
	a.forward(w, r, storeRequest{method: http.MethodGet, path: "/totals"})
}

func (a *API) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, Health{Status: "ok", Tier: TierAPI, Version: a.cfg.Version})
}

func (a *API) readyz(w http.ResponseWriter, r *http.Request) {
	h := Health{Status: "ready", Tier: TierAPI, Version: a.cfg.Version}
	store, err := a.storeHealth(r.Context())
	if err != nil {
		h.Status, h.Error = "unready", err.Error()
		writeJSON(w, http.StatusServiceUnavailable, h)
		return
	}
	h.Store = &store
	writeJSON(w, http.StatusOK, h)
}

// sleep waits d or until ctx ends, and reports whether it waited d.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
