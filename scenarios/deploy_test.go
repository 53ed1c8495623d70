package scenarios_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/scenarios"
)

var _ = Describe("Deploy strategies, replicas and rollback scope", func() {
	DescribeTable("refuse bad input with one clear line each",
		func(src string, want []string) {
			Expect(problemLines(src)).To(Equal(want))
		},
		Entry("an unknown strategy", twoTier+`  - deploy: {service: api, version: v2, strategy: blue_green}
`, []string{
			`s.yaml:24:51: timeline[1].deploy.strategy: unknown strategy "blue_green" (did you mean "blue-green"?)`,
		}),
		Entry("canary weights that do not increase, a zero weight and a negative pause", twoTier+`  - deploy:
      service: api
      version: v2
      strategy: canary
      steps: [{weight: 50%, pause: 5s}, {weight: 10%}, {weight: 0%, pause: -1s}]
`, []string{
			`s.yaml:28:50: timeline[1].deploy.steps[1].weight: 10% is not above the previous step's 50%; weights must increase`,
			`s.yaml:28:65: timeline[1].deploy.steps[2].weight: 0% sends the canary nothing; use a weight above 0%, such as 10%`,
			`s.yaml:28:76: timeline[1].deploy.steps[2].pause: -1s is negative; use how long the weight holds before the next step, such as "5s"`,
		}),
		Entry("a canary without steps, steps without a canary", twoTier+`  - deploy: {service: api, version: v2, strategy: canary}
  - deploy: {service: api, version: v1, steps: [{weight: 10%}]}
`, []string{
			`s.yaml:24:5: timeline[1].deploy.steps: a canary needs steps, such as [{weight: 10%, pause: 5s}, {weight: 50%, pause: 5s}]`,
			`s.yaml:25:41: timeline[2].deploy.steps: only a canary deploy reads steps; remove them or set strategy: canary`,
		}),
		Entry("a weight above 100%", twoTier+`  - deploy: {service: api, version: v2, strategy: canary, steps: [{weight: 150%}]}
`, []string{
			`s.yaml:24:76: timeline[1].deploy.steps[0].weight: "150%" is not a weight; write a percentage from 0% to 100%, such as "10%"`,
		}),
		Entry("rolling batches out of bounds, and batches on another strategy", twoTier+`  - deploy: {service: api, version: v2, strategy: rolling, maxSurge: 3, maxUnavailable: -1}
  - deploy: {service: api, version: v1, strategy: blue-green, maxSurge: 1}
`, []string{
			`s.yaml:24:70: timeline[1].deploy.maxSurge: 3 is more than the service's 1 replica(s); use a number from 0 to 1`,
			`s.yaml:24:89: timeline[1].deploy.maxUnavailable: -1 is negative; use a number of replicas from 0 to 1`,
			`s.yaml:25:73: timeline[2].deploy.maxSurge: only a rolling deploy reads maxSurge; remove it or set strategy: rolling`,
		}),
		Entry("a rolling deploy that could never replace a replica", twoTier+`  - deploy: {service: api, version: v2, strategy: rolling, maxSurge: 0, maxUnavailable: 0}
`, []string{
			`s.yaml:24:5: timeline[1].deploy: maxUnavailable and maxSurge are both 0: the deploy could never replace a replica; let one of them be at least 1`,
		}),
		Entry("replicas on a service with a data directory, negative replicas", `apiVersion: faultdrill/v1
metadata: {name: t}
system:
  services:
    api: {initial: v1, replicas: 2, dataDir: true, versions: {v1: {command: [./api]}}}
    web: {initial: v1, replicas: -1, versions: {v1: {command: [./web]}}}
load:
  target: api
  duration: 10s
  streams: [{name: r, rate: 1/s, path: /}]
`, []string{
			`s.yaml:5:46: system.services.api.dataDir: a service with a data directory cannot run several instances at once (its replicas need a traffic front over instances that would share the data); remove dataDir, or deploy api with strategy recreate and one replica`,
			`s.yaml:6:34: system.services.web.replicas: -1 is negative; use how many instances run at once, at least 1`,
		}),
		Entry("on docker, a link to a fronted service", `apiVersion: faultdrill/v1
metadata: {name: t}
system:
  runtime: docker
  services:
    store: {initial: v1, replicas: 2, versions: {v1: {image: "store:1"}}}
    api: {initial: v1, versions: {v1: {image: "api:1"}}}
  links:
    - {name: api-to-store, from: api, to: store}
load:
  target: api
  duration: 10s
  streams: [{name: r, rate: 1/s, path: /}]
`, []string{
			`s.yaml:9:43: system.links[0].to: on the docker runtime a link cannot go to store, which is behind a traffic front in the harness (its replicas) that containers cannot reach; call it from the load only, or use runtime: process`,
		}),
		Entry("a trigger scoped to a canary that does not exist, an unknown scope, a latency scoped", twoTier+`rollback:
  triggers:
    - {metric: error_rate, above: 5%, scope: canary}
    - {metric: error_rate, above: 5%, scope: canaries}
`, []string{
			`s.yaml:26:46: rollback.triggers[0].scope: no deploy step of the timeline is a canary, so there is no canary traffic to watch; add strategy: canary to a deploy or remove scope`,
			`s.yaml:27:46: rollback.triggers[1].scope: unknown scope "canaries" (did you mean "canary"?)`,
		}),
		Entry("a latency trigger scoped to the canary", twoTier+`  - deploy: {service: api, version: v1, strategy: canary, steps: [{weight: 10%}]}
rollback:
  triggers:
    - {metric: p99, above: 300ms, scope: canary}
`, []string{
			`s.yaml:27:42: rollback.triggers[0].scope: metric p99 cannot be scoped to the canary (its latencies are not kept per version); use error_rate, status_5xx or throughput`,
		}),
		Entry("a rollback scope naming no service, twice, and a plan action outside it", twoTier+`rollback:
  scope: [api, apu, api]
  plan:
    - {action: stop, service: store}
    - {action: redeploy-previous, service: api, strategy: canary}
`, []string{
			`s.yaml:25:16: rollback.scope[1]: service "apu" is not defined (did you mean "api"?)`,
			`s.yaml:25:21: rollback.scope[2]: "api" is listed twice; list each service once`,
			`s.yaml:27:31: rollback.plan[0].service: store is outside rollback.scope (api, apu, api): a partial rollback leaves it as it is; add it to scope or remove the action`,
			`s.yaml:28:59: rollback.plan[1].strategy: a rollback cannot be a canary: a canary in progress is rolled back by shifting its traffic back; use one of: recreate, rolling, blue-green`,
		}),
		Entry("a fault on some replicas of a service that runs one, and a share out of range", twoTier+`  - inject: {kind: kill, service: api, replicas: "1"}
  - inject: {kind: pause, service: store, replicas: 150%}
`, []string{
			`s.yaml:24:50: timeline[1].inject.replicas: service "api" runs one instance; set replicas: 2 or more on it, or remove replicas from the fault`,
			`s.yaml:25:53: timeline[2].inject.replicas: replicas "150%": want a share above 0% and at most 100%, such as 50%`,
		}),
		Entry("a strategy on an action that does not switch versions", twoTier+`rollback:
  plan:
    - {action: stop, service: api, strategy: rolling}
`, []string{
			`s.yaml:26:46: rollback.plan[0].strategy: only redeploy-previous actions read strategy; remove it`,
		}),
	)

	It("fronts a service with replicas or a strategy that shifts traffic, and no other", func() {
		sc, err := scenarios.Parse("s.yaml", []byte(twoTier+`  - deploy: {service: api, version: v1, strategy: blue-green}
`))
		Expect(err).NotTo(HaveOccurred())
		Expect(scenarios.Fronted(sc, "api")).To(BeTrue())
		Expect(scenarios.Fronted(sc, "store")).To(BeFalse())
	})
})
