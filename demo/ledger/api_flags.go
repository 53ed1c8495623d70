package ledger

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// flagView is the api's view of the feature flags stored in the store.
// Reads are lock-free; writes bump a generation so that a reload which
// started before a flag write cannot overwrite it with older values.
type flagView struct {
	mu   sync.Mutex // serialises writers
	gen  uint64
	snap atomic.Pointer[flagSnapshot]
}

// flagSnapshot is one immutable state of the view.
type flagSnapshot struct {
	flags  map[string]bool
	header string
}

func newFlagView() *flagView {
	v := &flagView{}
	v.snap.Store(&flagSnapshot{flags: map[string]bool{}})
	return v
}

// on reports whether flag name is on.
func (v *flagView) on(name string) bool { return v.snap.Load().flags[name] }

// header returns the X-Flags value.
func (v *flagView) header() string { return v.snap.Load().header }

// generation returns the current generation, to pass to replace.
func (v *flagView) generation() uint64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.gen
}

// set records one flag the api itself wrote to the store.
func (v *flagView) set(name string, on bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	flags := maps.Clone(v.snap.Load().flags)
	flags[name] = on
	v.gen++
	v.snap.Store(&flagSnapshot{flags: flags, header: FormatFlags(flags)})
}

// replace installs flags read from the store, unless the view changed
// since generation since; it reports whether it did.
func (v *flagView) replace(flags map[string]bool, since uint64) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.gen != since {
		return false
	}
	v.gen++
	v.snap.Store(&flagSnapshot{flags: flags, header: FormatFlags(flags)})
	return true
}

// withFlags sets X-Flags on every answer of next. A flag write sets it
// again once the flag has changed.
func (a *API) withFlags(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(HeaderFlags, a.flags.header())
		next.ServeHTTP(w, r)
	})
}

// refreshFlags reloads the flags at once and then every FlagRefresh until
// ctx ends; it closes a.refreshed when it returns. It logs when the store
// stops and starts answering, not every failed attempt.
func (a *API) refreshFlags(ctx context.Context) {
	defer close(a.refreshed)
	t := time.NewTicker(a.cfg.FlagRefresh)
	defer t.Stop()
	failing := false
	for {
		_, err := a.loadFlags(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil && !failing:
			a.cfg.Logger.Warn("cannot load feature flags", "err", err)
		case err == nil && failing:
			a.cfg.Logger.Info("feature flags loaded again")
		}
		failing = err != nil
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// loadFlags reads the flags from the store into the view, and returns
// the store's answer.
func (a *API) loadFlags(ctx context.Context) (storeAnswer, error) {
	since := a.flags.generation()
	ans, err := a.roundTrip(ctx, storeRequest{method: http.MethodGet, path: "/flags"})
	if err != nil {
		return storeAnswer{}, err
	}
	if ans.code != http.StatusOK {
		return ans, fmt.Errorf("ledger: store flags answered %d: %w", ans.code, errStoreUnavailable)
	}
	var flags map[string]bool
	if err := json.Unmarshal(ans.body, &flags); err != nil {
		return ans, fmt.Errorf("ledger: store flags: %w: %w", errStoreUnavailable, err)
	}
	if flags == nil {
		flags = map[string]bool{}
	}
	a.flags.replace(flags, since)
	return ans, nil
}

func (a *API) getFlags(w http.ResponseWriter, r *http.Request) {
	ans, err := a.loadFlags(r.Context())
	if err != nil {
		a.failForward(w, storeRequest{method: http.MethodGet, path: "/flags"}, err)
		return
	}
	w.Header().Set(HeaderFlags, a.flags.header())
	relay(w, ans)
}

func (a *API) putFlag(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if err := checkName("flag", name, MaxFlagLen); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	on, err := readFlagValue(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	req := storeRequest{method: http.MethodPut, path: "/flags/" + url.PathEscape(name),
		body: []byte(strconv.FormatBool(on)), ctype: "text/plain; charset=utf-8"}
	ans, err := a.roundTrip(r.Context(), req)
	if err != nil {
		a.failForward(w, req, err)
		return
	}
	if ans.code == http.StatusOK {
		a.flags.set(name, on)
		w.Header().Set(HeaderFlags, a.flags.header())
	}
	relay(w, ans)
}
