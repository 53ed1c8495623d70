package load_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/httpapi"
	"github.com/faultdrill/faultdrill/load"
)

// jsonStore is a loopback key-value store with an etcd-like JSON API that
// faultdrill did not write for itself: POST /put {"key": b64, "value": b64}
// and POST /range {"key": b64}, answered 200 with {"kvs": [...]} (no kvs
// for a missing key) and the server's version in the JSON header.
type jsonStore struct {
	mu   sync.Mutex
	data map[string]string
}

func (s *jsonStore) handler(w http.ResponseWriter, r *http.Request) {
	var req struct{ Key, Value string }
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, `{"error":"bad json"}`, http.StatusBadRequest)
		return
	}
	key, err := base64.StdEncoding.DecodeString(req.Key)
	if err != nil {
		http.Error(w, `{"error":"bad key"}`, http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.data == nil {
		s.data = map[string]string{}
	}
	answer := map[string]any{"header": map[string]any{"server_version": "3.6.1"}}
	switch r.URL.Path {
	case "/put":
		v, _ := base64.StdEncoding.DecodeString(req.Value)
		s.data[string(key)] = string(v)
	case "/range":
		if v, ok := s.data[string(key)]; ok {
			answer["kvs"] = []any{map[string]any{"key": req.Key, "value": base64.StdEncoding.EncodeToString([]byte(v))}}
			answer["count"] = "1"
		}
	default:
		http.NotFound(w, r)
		return
	}
	_ = json.NewEncoder(w).Encode(answer)
}

var _ = Describe("Run against an API with its own shape", func() {
	etcdLike := httpapi.Response{
		Absent:  &httpapi.Match{JSONPath: "kvs", Empty: true},
		Value:   &httpapi.Field{JSONPath: "kvs[0].value", Decode: "base64"},
		Version: &httpapi.Field{JSONPath: "header.server_version"},
	}

	It("writes and reads through request templates and reads the answers with the stream's rules", func(ctx SpecContext) {
		store := &jsonStore{}
		target := serve(http.HandlerFunc(store.handler))
		writes := stream("w", "100/s", "/put")
		writes.Method, writes.Keys, writes.Writes = http.MethodPost, 4, true
		writes.Body = `{"key":"{key|base64}","value":"{value|base64}"}`
		writes.Response = etcdLike
		reads := stream("r", "100/s", "/range")
		reads.Method, reads.Keys = http.MethodPost, 8 // k4…k7 are never written
		reads.Body = `{"key":"{key|base64}"}`
		reads.Response = etcdLike
		h, err := load.Run(ctx, load.Spec{Duration: 1500 * time.Millisecond, Streams: []load.StreamSpec{writes, reads}},
			load.Options{Target: target, Seed: 5})
		Expect(err).NotTo(HaveOccurred())
		var readValues, readAbsent int
		for _, op := range h.Ops {
			Expect(op.Outcome).To(Equal(load.Acknowledged), "%+v", op)
			Expect(op.Version).To(Equal("3.6.1"), "the version is read from the JSON body")
			if op.Write {
				continue
			}
			Expect(op.HasValue).To(BeTrue())
			if op.Value == "" {
				readAbsent++
				continue
			}
			readValues++
			Expect(op.Value).To(HavePrefix("w-"), "the value read back is a write's id, decoded from base64")
		}
		Expect(readAbsent).To(BeNumerically(">", 10), "keys never written read as absent: a valid answer for a read")
		Expect(readValues).To(BeNumerically(">", 10))
	}, NodeTimeout(20*time.Second))

	It("counts an absent answer as a failure where the stream says so, and an unacknowledged status as one", func(ctx SpecContext) {
		store := &jsonStore{}
		target := serve(http.HandlerFunc(store.handler))
		reads := stream("r", "100/s", "/range")
		reads.Method, reads.Keys = http.MethodPost, 3
		reads.Body = `{"key":"{key|base64}"}`
		reads.Response = etcdLike
		no := false
		reads.AbsentOK = &no
		notAcked := stream("x", "100/s", "/range")
		notAcked.Method, notAcked.Body = http.MethodPost, `{"key":"{id|base64}"}`
		notAcked.Response = httpapi.Response{Ack: []int{201}}
		h, err := load.Run(ctx, load.Spec{Duration: time.Second, Streams: []load.StreamSpec{reads, notAcked}},
			load.Options{Target: target})
		Expect(err).NotTo(HaveOccurred())
		Expect(h.Ops).NotTo(BeEmpty())
		for _, op := range h.Ops {
			Expect(op.Outcome).To(Equal(load.Failed), "%+v", op)
			Expect(op.ErrClass).To(Equal(load.ClassHTTP))
		}
	}, NodeTimeout(20*time.Second))

	It("refuses, before sending anything, a template or a rule that cannot work", func(ctx SpecContext) {
		st := stream("w", "10/s", "/kv/{ky}")
		_, err := load.Run(ctx, load.Spec{Duration: time.Second, Streams: []load.StreamSpec{st}}, load.Options{Target: "http://127.0.0.1:1"})
		Expect(err).To(MatchError(ContainSubstring("unknown placeholder {ky}")))
		st = stream("w", "10/s", "/kv/{id}")
		st.Response.Value = &httpapi.Field{}
		_, err = load.Run(ctx, load.Spec{Duration: time.Second, Streams: []load.StreamSpec{st}}, load.Options{Target: "http://127.0.0.1:1"})
		Expect(err).To(MatchError(ContainSubstring("response: ")))
	})
})
