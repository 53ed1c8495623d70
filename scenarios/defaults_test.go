package scenarios_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/scenarios"
)

// sparse leaves out every field that has a default.
const sparse = `apiVersion: faultdrill/v1
metadata: {name: t}
system:
  services:
    store: {dataDir: true, initial: v1, versions: {v1: {command: [./store]}}}
    api: {initial: v1, versions: {v1: {command: [./api]}, v2: {command: [./api]}}}
  links: [{name: api-to-store, from: api, to: store}]
load:
  target: api
  duration: 20s
  streams:
    - {name: reads, rate: 10/s, path: /}
    - {name: writes, rate: 10/s, path: "/e/{id}", writes: true}
    - {name: kv, rate: 10/s, path: "/kv/{key}", keys: 5}
timeline:
  - {at: 2s, deploy: {service: api, version: v2}}
  - {at: 4s, inject: {kind: blackhole, link: api-to-store}}
  - heal: blackhole@api-to-store
  - {at: 6s, inject: {kind: pause, service: store}}
  - heal: pause@store
  - {at: 8s, partition: {isolate: store}}
  - heal: isolate@store
  - {at: 9s, snapshot: {service: store}}
  - {at: 10s, action: {action: flag, service: api, url: /flags/x, body: "true"}}
rollback:
  triggers:
    - {metric: p99, above: 250ms}
    - {metric: throughput, below: 5}
    - probe: {url: /readyz}
    - any: [{metric: error_rate, above: 5%}, {metric: p99, above: 3x}]
    - at: 15s
  approval: {role: oncall}
verify:
  durability: {read: "GET /e/{id}"}
  duplicates: {read: "GET /e/{id}"}
`

// explicit sets every field that has a default to something else.
const explicit = `apiVersion: faultdrill/v1
metadata: {name: t}
objectives:
  rtoFrom: fault-onset
  passScore: 95
  slo: {errorRate: 0.5%}
  errorBudget: 10%
  weights: {rto: 50, detection: 0}
system:
  runtime: docker
  services:
    store: {dataDir: true, initial: v1, health: /ready, startTimeout: 3s, stopGrace: 1s, versions: {v1: {image: "store:dev", port: 9000}}}
    api: {initial: v1, versions: {v1: {image: "api:dev"}}}
  links: [{name: self, from: api, to: store}]
load:
  target: store
  duration: 20s
  timeout: 500ms
  streams:
    - {name: writes, rate: 10/s, path: "/e/{id}", writes: true, method: POST}
    - {name: kv, rate: 10/s, path: "/kv/{key}", keys: 5}
timeline:
  - inject: {name: slow, kind: latency, link: self, latency: 5ms, direction: upstream, toxicity: 0.5}
  - {partition: {name: cut, between: [api, store], mode: down, direction: both}}
  - {snapshot: {service: store, name: before}}
rollback:
  triggers:
    - {name: slow, metric: p99, above: 250ms, for: 3s}
    - {name: ready, probe: {url: /ready, service: store, interval: 2s, timeout: 500ms}}
  approval: {role: oncall, timeout: 1m}
  healFaults: before
  plan:
    - {action: flag, service: api, url: /f, method: PUT, timeout: 3s}
    - {action: restore-snapshot, service: store, snapshot: before}
verify:
  durability: {read: "GET /e/{id}", concurrency: 4}
  duplicates: {read: "GET /e/{id}", field: count, concurrency: 2}
  linearizability: {timeout: 5s}
`

var _ = Describe("ApplyDefaults", func() {
	It("fills in every default the scenario leaves out", func() {
		s := parse(sparse)

		Expect(s.System.Runtime).To(Equal("process"))
		Expect(s.Objectives.RTOFrom).To(Equal("rollback-start"))
		Expect(s.Objectives.PassScore).To(Equal(80))
		Expect(s.Objectives.SLO.ErrorRate.String()).To(Equal("1%"))
		Expect(s.Objectives.SLO.ErrorRate.Value).To(BeNumerically("~", 0.01, 1e-9))
		Expect(s.Objectives.ErrorBudget.String()).To(Equal("5%"))
		Expect(s.Objectives.ErrorBudget.Value).To(BeNumerically("~", 0.05, 1e-9))
		Expect(s.Objectives.Weights).To(Equal(map[string]float64{"rto": 30, "slo": 20, "health": 20, "detection": 15, "errorBudget": 15}))
		Expect(s.Objectives.Detection).To(BeZero())
		for name, svc := range s.System.Services {
			Expect(svc.Name).To(Equal(name))
			Expect(svc.Health).To(Equal("/healthz"))
			Expect(svc.StartTimeout).To(Equal(10 * time.Second))
			Expect(svc.StopGrace).To(Equal(5 * time.Second))
			for _, v := range svc.Versions {
				Expect(v.Port).To(BeZero(), "the process runtime has no container port")
			}
		}
		Expect(s.Load.Timeout).To(Equal(2 * time.Second))
		Expect(s.Load.Streams[0].Method).To(Equal("GET"))
		Expect(s.Load.Streams[1].Method).To(Equal("PUT"))

		f := s.Timeline[1].Inject
		Expect(f.Name).To(Equal("blackhole@api-to-store"))
		Expect(f.Direction).To(Equal(faults.Both))
		Expect(f.Toxicity).To(Equal(1.0))
		Expect(*s.Timeline[3].Inject).To(Equal(faults.Spec{Name: "pause@store", Kind: faults.Pause, Service: "store"}),
			"a process fault is named after its service and takes no direction or toxicity")
		Expect(*s.Timeline[5].Partition).To(Equal(faults.PartitionSpec{
			Name: "isolate@store", Isolate: "store", Mode: faults.Blackhole, Direction: faults.Both,
		}))
		Expect(*s.Timeline[7].Snapshot).To(Equal(scenarios.Snapshot{Service: "store", Name: "store"}))
		step := s.Timeline[8].Action
		Expect(step.Method).To(Equal("POST"))
		Expect(step.Timeout).To(Equal(30 * time.Second))

		tr := s.Rollback.Triggers
		Expect(tr[0].For).To(Equal(time.Second))
		Expect(tr[0].Name).To(Equal("p99 above 250ms"))
		Expect(tr[1].Name).To(Equal("throughput below 5"))
		Expect(tr[2].Name).To(Equal("probe /readyz"))
		Expect(tr[2].For).To(BeZero(), "a probe's own for counts")
		Expect(*tr[2].Probe).To(Equal(rollback.ProbeSpec{URL: "/readyz", Service: "api", Interval: time.Second, Timeout: time.Second}))
		Expect(tr[3].Name).To(Equal("any(error_rate above 5%, p99 above 3x)"))
		Expect(tr[3].For).To(BeZero(), "a composite ignores its own for")
		Expect(tr[3].Any[0].For).To(Equal(time.Second))
		Expect(tr[3].Any[1].For).To(Equal(time.Second))
		Expect(tr[4].Name).To(Equal("at 15s"))
		Expect(tr[4].For).To(BeZero())

		Expect(s.Rollback.Approval.Timeout).To(Equal(5 * time.Minute))
		Expect(s.Rollback.HealFaults).To(Equal("after"))
		Expect(s.Rollback.Plan).To(Equal([]rollback.ActionSpec{{Action: rollback.RedeployPrevious, Service: "api"}}),
			"the plan redeploys what the timeline deployed")

		Expect(s.Verify.Durability.Concurrency).To(Equal(16))
		Expect(s.Verify.Duplicates.Field).To(Equal("applied"))
		Expect(s.Verify.Duplicates.Concurrency).To(Equal(16))
		Expect(s.Verify.Linearizability.Timeout).To(Equal(30*time.Second), "a stream has keys")
	})

	It("keeps every value the scenario sets", func() {
		s := parse(explicit)

		Expect(s.System.Runtime).To(Equal("docker"))
		Expect(s.Objectives.RTOFrom).To(Equal("fault-onset"))
		Expect(s.Objectives.PassScore).To(Equal(95))
		Expect(s.Objectives.SLO.ErrorRate.String()).To(Equal("0.5%"))
		Expect(s.Objectives.ErrorBudget.String()).To(Equal("10%"))
		Expect(s.Objectives.Weights).To(Equal(map[string]float64{"rto": 50, "slo": 20, "health": 20, "detection": 0, "errorBudget": 15}),
			"weights left out keep their default, a weight of 0 stays 0")
		store := s.System.Services["store"]
		Expect(store.Health).To(Equal("/ready"))
		Expect(store.StartTimeout).To(Equal(3 * time.Second))
		Expect(store.StopGrace).To(Equal(time.Second))
		Expect(store.Versions["v1"].Port).To(Equal(9000))
		Expect(s.Load.Timeout).To(Equal(500 * time.Millisecond))
		Expect(s.Load.Streams[0].Method).To(Equal("POST"))
		f := s.Timeline[0].Inject
		Expect(f.Name).To(Equal("slow"))
		Expect(f.Direction).To(Equal(faults.Upstream))
		Expect(f.Toxicity).To(Equal(0.5))
		Expect(*s.Timeline[1].Partition).To(Equal(faults.PartitionSpec{
			Name: "cut", Between: []string{"api", "store"}, Mode: faults.Down, Direction: faults.Both,
		}))
		Expect(s.Timeline[2].Snapshot.Name).To(Equal("before"))
		Expect(s.Rollback.Triggers[0].Name).To(Equal("slow"))
		Expect(s.Rollback.Triggers[0].For).To(Equal(3 * time.Second))
		Expect(*s.Rollback.Triggers[1].Probe).To(Equal(rollback.ProbeSpec{URL: "/ready", Service: "store", Interval: 2 * time.Second, Timeout: 500 * time.Millisecond}))
		Expect(s.Rollback.Approval.Timeout).To(Equal(time.Minute))
		Expect(s.Rollback.HealFaults).To(Equal("before"))
		Expect(s.Rollback.Plan[0].Method).To(Equal("PUT"))
		Expect(s.Rollback.Plan[0].Timeout).To(Equal(3 * time.Second))
		Expect(s.Rollback.Plan[1].Snapshot).To(Equal("before"))
		Expect(s.Rollback.Plan[1].Timeout).To(BeZero(), "a restore is bounded by the service's start, not a default timeout")
		Expect(s.Verify.Durability.Concurrency).To(Equal(4))
		Expect(s.Verify.Duplicates.Field).To(Equal("count"))
		Expect(s.Verify.Duplicates.Concurrency).To(Equal(2))
		Expect(s.Verify.Linearizability.Timeout).To(Equal(5 * time.Second))
	})

	It("fills the docker runtime's own defaults: a slower start and a container port", func() {
		api := parse(explicit).System.Services["api"]
		Expect(api.StartTimeout).To(Equal(30 * time.Second))
		Expect(api.Versions["v1"].Port).To(Equal(8080))
	})

	It("names a restore's snapshot after its service, as a snapshot step does", func() {
		s := parse(withData + `  - {at: 2s, snapshot: {service: store}}
  - {at: 3s, deploy: {service: store, version: v2}}
rollback:
  triggers: [{at: 5s}]
  plan: [{action: restore-snapshot, service: store}]
`)
		Expect(s.Rollback.Plan[0].Snapshot).To(Equal("store"))
	})

	It("fills an http action's polling, and bounds its timeline step by the polling", func() {
		s := parse(withData + `  - {at: 2s, action: {action: http, service: api, url: /ready, until: {}}}
  - {at: 3s, action: {action: http, service: api, url: /ready, timeout: 2s, until: {timeout: 10s}, retries: 1}}
`)
		Expect(*s.Timeline[0].Action.Until).To(Equal(rollback.UntilSpec{Interval: 500 * time.Millisecond, Timeout: 30 * time.Second}))
		Expect(s.Timeline[0].Action.Timeout).To(Equal(30 * time.Second))
		Expect(s.Timeline[0].Timeout).To(Equal(60*time.Second + 15*time.Second))
		Expect(s.Timeline[1].Action.Until.Interval).To(Equal(500 * time.Millisecond))
		Expect(s.Timeline[1].Timeout).To(Equal(2*(10*time.Second+2*time.Second) + 15*time.Second))
	})

	It("leaves the plan empty when no trigger can start it", func() {
		s := parse(twoTier)
		Expect(s.Rollback.Plan).To(BeEmpty())
		Expect(s.Verify.Linearizability.Timeout).To(BeZero(), "no stream has keys")
	})

	It("is idempotent", func() {
		for _, src := range []string{sparse, explicit} {
			once := parse(src)
			twice := parse(src)
			twice.ApplyDefaults()
			Expect(twice).To(Equal(once))
		}
	})

	It("fills a zero scenario without panicking, leaving durability off", func() {
		var s scenarios.Scenario
		s.ApplyDefaults()
		Expect(s.System.Runtime).To(Equal("process"))
		Expect(s.Verify.Durability.Concurrency).To(BeZero())
		Expect(s.Rollback.Plan).To(BeEmpty())
	})

	It("leaves a trigger that mixes kinds as written, for validation to report", func() {
		var s scenarios.Scenario
		p99 := rollback.Threshold{}
		Expect(p99.UnmarshalText([]byte("250ms"))).To(Succeed())
		s.Rollback.Triggers = []rollback.TriggerSpec{{Metric: rollback.P99, Above: &p99, Probe: &rollback.ProbeSpec{URL: "/r"}}}
		s.ApplyDefaults()
		Expect(s.Rollback.Triggers[0].Name).To(BeEmpty())
		Expect(s.Rollback.Triggers[0].For).To(BeZero())
		Expect(s.Rollback.Triggers[0].Probe.Interval).To(BeZero())
	})
})
