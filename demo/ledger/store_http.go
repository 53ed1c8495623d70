package ledger

import (
	"errors"
	"net/http"
)

// Handler returns the store's HTTP API:
//
//	PUT /entries/{id}        201 new entry, 200 entry already applied, 400 bad body
//	GET /entries/{id}        200 entry, 404 absent
//	GET /accounts/{account}  200 balance and entry count
//	GET /healthz             200 with the schema version, 503 if the database fails
func (s *Store) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /entries/{id}", s.putEntry)
	mux.HandleFunc("GET /entries/{id}", s.getEntry)
	mux.HandleFunc("GET /accounts/{account}", s.getAccount)
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

func (s *Store) getAccount(w http.ResponseWriter, r *http.Request) {
	a, err := s.Account(r.Context(), r.PathValue("account"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
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

// fail answers a store error: 400 for bad input, 404 for a missing entry,
// 500 (logged, details withheld) for anything else.
func (s *Store) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, ErrInvalidEntry):
		writeError(w, http.StatusBadRequest, err.Error())
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusNotFound, "entry not found")
	default:
		s.cfg.Logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, "store: internal error")
	}
}
