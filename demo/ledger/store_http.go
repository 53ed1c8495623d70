package ledger

import (
	"errors"
	"net/http"
)

// Handler returns the store's HTTP API:
//
//	PUT /entries/{id}        201 new entry, 200 entry already applied, 400 bad body
//	GET /entries/{id}        200 entry (with "applied": postings of the id), 404 absent
//	GET /entries             200 every id that reads back, one per line, in id order
//	GET /accounts/{account}  200 balance and entry count
//	GET /totals              200 {"balance", "entries", "accounts"} over the whole ledger
//	PUT /kv/{key}            200 with X-Value; the body is the value (raw text)
//	GET /kv/{key}            200 value as body and X-Value, 404 with an empty X-Value
//	PUT /flags/{name}        200 {"name", "value"}; the body is true or false
//	GET /flags               200 {"name": value, ...}
//	GET /healthz             200 with the schema version, 503 if the database fails
//
// A list cut short by a database error ends with a broken connection,
// never with a clean end of body.
func (s *Store) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /entries/{id}", s.putEntry)
	mux.HandleFunc("GET /entries/{id}", s.getEntry)
	mux.HandleFunc("GET /entries", s.listEntries)
	mux.HandleFunc("GET /accounts/{account}", s.getAccount)
	mux.HandleFunc("GET /totals", s.getTotals)
	mux.HandleFunc("PUT /kv/{key}", s.putValue)
	mux.HandleFunc("GET /kv/{key}", s.getValue)
	mux.HandleFunc("PUT /flags/{name}", s.putFlag)
	mux.HandleFunc("GET /flags", s.getFlags)
	mux.HandleFunc("GET /healthz", s.healthz)
	return labelled(TierStore, s.cfg.Version, mux)
}

func (s *Store) putEntry(w http.ResponseWriter, r *http.Request) {
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
	e, created, err := s.Put(r.Context(), id, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	code := http.StatusOK
	if created {
		code = http.StatusCreated
	}
	writeJSON(w, code, e)
}

func (s *Store) getEntry(w http.ResponseWriter, r *http.Request) {
	e, err := s.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (s *Store) listEntries(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	cw := &countingWriter{w: w}
	if _, err := s.WriteIDs(r.Context(), cw); err != nil {
		if cw.n == 0 {
			s.fail(w, r, err)
			return
		}
		s.cfg.Logger.Error("list cut short", "err", err)
		abort(w, s.cfg.Logger)
	}
}

func (s *Store) getAccount(w http.ResponseWriter, r *http.Request) {
	a, err := s.Account(r.Context(), r.PathValue("account"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

func (s *Store) getTotals(w http.ResponseWriter, r *http.Request) {
	t, err := s.Totals(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (s *Store) putValue(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	if err := checkName("key", key, MaxKeyLen); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	v, err := readValue(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err == nil {
		err = s.PutValue(r.Context(), key, v)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeValue(w, v)
}

func (s *Store) getValue(w http.ResponseWriter, r *http.Request) {
	v, err := s.GetValue(r.Context(), r.PathValue("key"))
	if err != nil {
		w.Header().Set(HeaderValue, "")
		s.fail(w, r, err)
		return
	}
	writeValue(w, v)
}

func (s *Store) putFlag(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if err := checkName("flag", name, MaxFlagLen); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	on, err := readFlagValue(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err == nil {
		err = s.SetFlag(r.Context(), name, on)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, Flag{Name: name, Value: on})
}

func (s *Store) getFlags(w http.ResponseWriter, r *http.Request) {
	flags, err := s.Flags(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, flags)
}

func (s *Store) healthz(w http.ResponseWriter, r *http.Request) {
	h := Health{Status: "ok", Tier: TierStore, Version: s.cfg.Version}
	v, err := s.SchemaVersion(r.Context())
	if err != nil {
		s.cfg.Logger.Error("health check failed", "err", err)
		h.Status, h.Error = "unavailable", "database unavailable"
		writeJSON(w, http.StatusServiceUnavailable, h)
		return
	}
	h.Schema = v
	writeJSON(w, http.StatusOK, h)
}

// fail answers a store error: 400 for bad input, 404 for a missing entry
// or key, 500 (logged, details withheld) for anything else.
func (s *Store) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, ErrInvalidEntry):
		writeError(w, http.StatusBadRequest, err.Error())
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusNotFound, "not found")
	default:
		s.cfg.Logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, "store: internal error")
	}
}
