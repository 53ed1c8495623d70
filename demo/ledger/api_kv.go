package ledger

import (
	"net/http"
	"net/url"
)

func (a *API) putValue(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	if err := checkName("key", key, MaxKeyLen); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	v, err := readValue(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	// The stale-cache defect lies here: the cached read of key is not
	// invalidated.
	a.forward(w, r, storeRequest{method: http.MethodPut, path: "/kv/" + url.PathEscape(key), body: []byte(v), ctype: "text/plain; charset=utf-8"})
}

func (a *API) getValue(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	if err := checkName("key", key, MaxKeyLen); err != nil {
		w.Header().Set(HeaderValue, "")
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if ans, ok := a.cache.get(key); ok {
		w.Header().Set(HeaderCache, "hit")
		relay(w, ans)
		return
	}
	req := storeRequest{method: http.MethodGet, path: "/kv/" + url.PathEscape(key)}
	ans, err := a.roundTrip(r.Context(), req)
	if err != nil {
		w.Header().Set(HeaderValue, "")
		a.failForward(w, req, err)
		return
	}
	if ans.code == http.StatusOK || ans.code == http.StatusNotFound {
		a.cache.put(key, ans)
	}
	relay(w, ans)
}
