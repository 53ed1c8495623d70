package scenarios_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/scenarios"
)

// sparse leaves out every field that has a default.
const sparse = `apiVersion: faultdrill/v1
metadata: {name: t}
system:
  services:
    store: {initial: v1, versions: {v1: {command: [./store]}}}
    api: {initial: v1, versions: {v1: {command: [./api]}, v2: {command: [./api]}}}
  links: [{name: api-to-store, from: api, to: store}]
load:
  target: api
  duration: 20s
  streams:
    - {name: reads, rate: 10/s, path: /}
    - {name: writes, rate: 10/s, path: "/e/{id}", writes: true}
timeline:
  - {at: 2s, deploy: {service: api, version: v2}}
  - {at: 4s, inject: {kind: blackhole, link: api-to-store}}
  - heal: blackhole@api-to-store
rollback:
  triggers: [{metric: p99, above: 250ms}, {metric: throughput, below: 5}]
verify:
  durability: {read: "GET /e/{id}"}
`

// explicit sets every field that has a default to something else.
const explicit = `apiVersion: faultdrill/v1
metadata: {name: t}
objectives: {rtoFrom: fault-onset, passScore: 95, slo: {errorRate: 0.5%}}
system:
  runtime: docker
  services:
    store: {initial: v1, health: /ready, startTimeout: 3s, stopGrace: 1s, versions: {v1: {command: [./store]}}}
    api: {initial: v1, versions: {v1: {command: [./api]}}}
  links: [{name: self, from: api, to: store}]
load:
  target: store
  duration: 20s
  timeout: 500ms
  streams:
    - {name: writes, rate: 10/s, path: "/e/{id}", writes: true, method: POST}
timeline:
  - inject: {name: slow, kind: latency, link: self, latency: 5ms, direction: upstream, toxicity: 0.5}
rollback:
  triggers: [{name: slow, metric: p99, above: 250ms, for: 3s}]
verify:
  durability: {read: "GET /e/{id}", concurrency: 4}
`

var _ = Describe("ApplyDefaults", func() {
	It("fills in every default the scenario leaves out", func() {
		s := parse(sparse)

		Expect(s.System.Runtime).To(Equal("process"))
		Expect(s.Objectives.RTOFrom).To(Equal("rollback-start"))
		Expect(s.Objectives.PassScore).To(Equal(80))
		Expect(s.Objectives.SLO.ErrorRate.String()).To(Equal("1%"))
		Expect(s.Objectives.SLO.ErrorRate.Value).To(BeNumerically("~", 0.01, 1e-9))
		for name, svc := range s.System.Services {
			Expect(svc.Name).To(Equal(name))
			Expect(svc.Health).To(Equal("/healthz"))
			Expect(svc.StartTimeout).To(Equal(10 * time.Second))
			Expect(svc.StopGrace).To(Equal(5 * time.Second))
		}
		Expect(s.Load.Timeout).To(Equal(2 * time.Second))
		Expect(s.Load.Streams[0].Method).To(Equal("GET"))
		Expect(s.Load.Streams[1].Method).To(Equal("PUT"))
		f := s.Timeline[1].Inject
		Expect(f.Name).To(Equal("blackhole@api-to-store"))
		Expect(f.Direction).To(Equal(faults.Both))
		Expect(f.Toxicity).To(Equal(1.0))
		Expect(s.Rollback.Triggers[0].For).To(Equal(time.Second))
		Expect(s.Rollback.Triggers[0].Name).To(Equal("p99 above 250ms"))
		Expect(s.Rollback.Triggers[1].Name).To(Equal("throughput below 5"))
		Expect(s.Verify.Durability.Concurrency).To(Equal(16))
	})

	It("keeps every value the scenario sets", func() {
		s := parse(explicit)

		Expect(s.System.Runtime).To(Equal("docker"))
		Expect(s.Objectives.RTOFrom).To(Equal("fault-onset"))
		Expect(s.Objectives.PassScore).To(Equal(95))
		Expect(s.Objectives.SLO.ErrorRate.String()).To(Equal("0.5%"))
		store := s.System.Services["store"]
		Expect(store.Health).To(Equal("/ready"))
		Expect(store.StartTimeout).To(Equal(3 * time.Second))
		Expect(store.StopGrace).To(Equal(time.Second))
		Expect(s.Load.Timeout).To(Equal(500 * time.Millisecond))
		Expect(s.Load.Streams[0].Method).To(Equal("POST"))
		f := s.Timeline[0].Inject
		Expect(f.Name).To(Equal("slow"))
		Expect(f.Direction).To(Equal(faults.Upstream))
		Expect(f.Toxicity).To(Equal(0.5))
		Expect(s.Rollback.Triggers[0].Name).To(Equal("slow"))
		Expect(s.Rollback.Triggers[0].For).To(Equal(3 * time.Second))
		Expect(s.Verify.Durability.Concurrency).To(Equal(4))
	})

	It("is idempotent", func() {
		once := parse(sparse)
		twice := parse(sparse)
		twice.ApplyDefaults()
		Expect(twice).To(Equal(once))
	})

	It("fills a zero scenario without panicking, leaving durability off", func() {
		var s scenarios.Scenario
		s.ApplyDefaults()
		Expect(s.System.Runtime).To(Equal("process"))
		Expect(s.Verify.Durability.Concurrency).To(BeZero())
	})
})
