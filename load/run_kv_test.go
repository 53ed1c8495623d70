package load_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
)

// keyed remembers, per request id, the key each part of a request named.
type keyed struct {
	mu      sync.Mutex
	byID    map[string][3]string // path key, body key, header key
	ordered []string             // path keys in arrival order
}

func (k *keyed) handler(w http.ResponseWriter, r *http.Request) {
	body := make([]byte, 256)
	n, _ := r.Body.Read(body)
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.byID == nil {
		k.byID = map[string][3]string{}
	}
	key := strings.TrimPrefix(r.URL.Path, "/kv/")
	k.byID[r.Header.Get("X-Request-Id")] = [3]string{key, strings.TrimPrefix(string(body[:n]), "key="), r.Header.Get("X-Key")}
	k.ordered = append(k.ordered, key)
}

func (k *keyed) get(id string) [3]string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.byID[id]
}

var keyPattern = regexp.MustCompile(`^k\d+$`)

var _ = Describe("Run with ramps and key-value streams", func() {
	It("ramps from 50/s to 250/s over 2 s: about 300 ops, more in each second", func(ctx SpecContext) {
		target := serve(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		st := rampStream("50/s", "250/s", 2*time.Second)
		base := time.Now()
		h, err := load.Run(ctx, load.Spec{Duration: 2 * time.Second, Streams: []load.StreamSpec{st}},
			load.Options{Target: target, Base: base})
		Expect(err).NotTo(HaveOccurred())
		Expect(len(h.Ops)).To(BeNumerically("~", 300, 30))
		var started [2]int
		for _, op := range h.Ops {
			if s := op.Start / time.Second; s >= 0 && s < 2 {
				started[s]++
			}
		}
		Expect(started[0]).To(BeNumerically("~", 100, 20), "50/s rising to 150/s: 100 in the first second")
		Expect(started[1]).To(BeNumerically("~", 200, 25), "150/s rising to 250/s: 200 in the second")
		Expect(h.Windows[1].Count).To(BeNumerically(">", h.Windows[0].Count*3/2), "per-window counts increase")
	}, NodeTimeout(15*time.Second))

	It("spreads {key} over the stream's keys, the same way for the same seed", func(ctx SpecContext) {
		var got keyed
		target := serve(http.HandlerFunc(got.handler))
		st := stream("kv", "200/s", "/kv/{key}")
		st.Keys = 5
		st.Method = http.MethodPost
		st.Body = "key={key}"
		st.Headers = map[string]string{"X-Key": "{key}"}
		spec := load.Spec{Duration: time.Second, Streams: []load.StreamSpec{st}}
		run := func(seed uint64) map[string]string {
			h, err := load.Run(ctx, spec, load.Options{Target: target, Seed: seed})
			Expect(err).NotTo(HaveOccurred())
			perKey := map[string]int{}
			bySeq := map[string]string{}
			for _, op := range h.Ops {
				Expect(op.Key).To(MatchRegexp(`^k[0-4]$`))
				Expect(got.get(op.ID)).To(Equal([3]string{op.Key, op.Key, op.Key}), "path, body and header name the recorded key")
				perKey[op.Key]++
				bySeq[op.ID[:len(op.ID)-9]] = op.Key
			}
			Expect(perKey).To(HaveLen(5))
			for k, n := range perKey {
				Expect(n).To(BeNumerically(">=", len(h.Ops)/10), "key %s is used about a fifth of the time", k)
			}
			return bySeq
		}

		first, again, other := run(1), run(1), run(2)

		same, differ := 0, 0
		for seq, key := range first {
			if k, ok := again[seq]; ok {
				Expect(k).To(Equal(key), "request %s", seq)
				same++
			}
			if k, ok := other[seq]; ok && k != key {
				differ++
			}
		}
		Expect(same).To(BeNumerically(">=", 150))
		Expect(differ).To(BeNumerically(">=", 50), "another seed, other keys")
	}, NodeTimeout(20*time.Second))

	It("handles more keys than it formats ahead", func(ctx SpecContext) {
		var got keyed
		target := serve(http.HandlerFunc(got.handler))
		st := stream("kv", "200/s", "/kv/{key}")
		st.Keys = 1_000_000
		h, err := load.Run(ctx, load.Spec{Duration: 500 * time.Millisecond, Streams: []load.StreamSpec{st}},
			load.Options{Target: target})
		Expect(err).NotTo(HaveOccurred())
		seen := map[string]bool{}
		for _, op := range h.Ops {
			Expect(op.Key).To(MatchRegexp(keyPattern.String()))
			n, err := strconv.Atoi(op.Key[1:])
			Expect(err).NotTo(HaveOccurred())
			Expect(n).To(BeNumerically("<", 1_000_000))
			Expect(got.get(op.ID)[0]).To(Equal(op.Key))
			seen[op.Key] = true
		}
		Expect(len(seen)).To(BeNumerically(">=", len(h.Ops)*9/10), "a million keys rarely repeat")
	})

	It("records X-Value, its presence, X-Flags and X-Version, and a write's value is its id", func(ctx SpecContext) {
		target := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Version", "v2")
			w.Header().Set("X-Flags", "dark-mode,fast-path")
			switch r.URL.Path {
			case "/kv/k1":
				w.Header()["X-Value"] = []string{""} // present, empty: the key holds nothing
			case "/kv/k2":
				w.Header().Set("X-Value", "w-000007-0123abcd")
			}
		}))
		reads := stream("r", "200/s", "/kv/{key}")
		reads.Keys = 3
		writes := stream("w", "50/s", "/kv/{key}?v={id}")
		writes.Keys = 3
		writes.Writes = true
		h, err := load.Run(ctx, load.Spec{Duration: time.Second, Streams: []load.StreamSpec{reads, writes}},
			load.Options{Target: target})
		Expect(err).NotTo(HaveOccurred())

		byKey := map[string]int{}
		firstOf := map[bool]load.Op{}
		for _, op := range h.Ops {
			if _, ok := firstOf[op.Write]; !ok {
				firstOf[op.Write] = op
			}
			first := firstOf[op.Write]
			Expect(op.Outcome).To(Equal(load.Acknowledged))
			Expect(op.Flags).To(Equal("dark-mode,fast-path"))
			Expect(op.Version).To(Equal("v2"))
			Expect(sameString(op.Flags, first.Flags)).To(BeTrue(), "a stream holds its flags once")
			Expect(sameString(op.Version, first.Version)).To(BeTrue(), "a stream holds its versions once")
			if op.Write {
				Expect(op.Value).To(Equal(op.ID))
				Expect(op.HasValue).To(BeTrue())
				continue
			}
			byKey[op.Key]++
			switch op.Key {
			case "k0":
				Expect(op.HasValue).To(BeFalse(), "no X-Value: nothing known of what was read")
				Expect(op.Value).To(BeEmpty())
			case "k1":
				Expect(op.HasValue).To(BeTrue(), "an empty X-Value is a read that found nothing")
				Expect(op.Value).To(BeEmpty())
			case "k2":
				Expect(op.HasValue).To(BeTrue())
				Expect(op.Value).To(Equal("w-000007-0123abcd"))
			}
		}
		Expect(byKey).To(HaveLen(3))
	}, NodeTimeout(15*time.Second))
})
