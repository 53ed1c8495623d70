package scenarios_test

// base is a minimal valid scenario, 13 lines long: text appended to it
// starts on line 14.
const base = `apiVersion: faultdrill/v1
metadata: {name: t}
system:
  services:
    api:
      initial: v1
      versions:
        v1: {command: [./api]}
load:
  target: api
  duration: 10s
  streams:
    - {name: reads, rate: 10/s, path: /}
`

// twoTier is a valid scenario with two services, a link between them, a
// writing stream and a timeline that deploys api v2; 23 lines long and
// ending in the timeline, so steps appended to it start on line 24.
const twoTier = `apiVersion: faultdrill/v1
metadata: {name: two-tier}
system:
  services:
    store:
      initial: v1
      versions:
        v1: {command: [./store]}
    api:
      initial: v1
      versions:
        v1: {command: [./api, "${link.api-to-store}"]}
        v2: {command: [./api, "${link.api-to-store}", --bad]}
  links:
    - {name: api-to-store, from: api, to: store}
load:
  target: api
  duration: 30s
  streams:
    - {name: writes, rate: 50/s, path: "/entries/{id}", writes: true}
timeline:
  - at: 5s
    deploy: {service: api, version: v2}
`

// badCase is a scenario file and the exact problem lines Parse must
// report for it, as "s.yaml:LINE:COL: message".
type badCase struct {
	name string
	src  string
	want []string
}

// badCases are scenarios with known problems; the table test, the
// three-problems test and the fuzz seed corpus share them.
func badCases() []badCase {
	return append(formatCases(), ruleCases()...)
}

// formatCases are the bad cases of the first scenario format: shapes,
// names, references, offsets and units.
func formatCases() []badCase {
	return []badCase{
		{
			name: "unknown field with a near miss",
			src:  base + "rollback:\n  retries: 3\n",
			want: []string{
				`s.yaml:15:3: unknown field "retries" (did you mean "triggers"?)`,
			},
		},
		{
			name: "unknown field with no near miss lists the valid ones",
			src:  base + "timeline:\n  - sleep: 5s\n",
			want: []string{
				`s.yaml:15:5: unknown field "sleep"; valid fields here: at, deploy, inject, partition, snapshot, action, heal, wait, optional, timeout`,
			},
		},
		{
			name: "wrong apiVersion and no metadata name",
			src: `apiVersion: faultdrill/v2
metadata: {owner: me}
system:
  services:
    api: {initial: v1, versions: {v1: {command: [./api]}}}
load: {target: api, duration: 10s, streams: [{name: r, rate: 1/s, path: /}]}
`,
			want: []string{
				`s.yaml:1:13: apiVersion: "faultdrill/v2" is not supported; use faultdrill/v1`,
				`s.yaml:2:1: metadata.name: missing; give the scenario a short name, such as checkout-bad-release`,
			},
		},
		{
			name: "no services",
			src: `apiVersion: faultdrill/v1
metadata: {name: t}
system: {services: {}}
load: {target: api, duration: 10s, streams: [{name: r, rate: 1/s, path: /}]}
`,
			want: []string{
				`s.yaml:3:10: system.services: no services; define at least one, with a version and its command`,
				`s.yaml:4:16: load.target: service "api" is not defined; define it under system.services`,
			},
		},
		{
			name: "initial names no version, and a version without command",
			src: `apiVersion: faultdrill/v1
metadata: {name: t}
system:
  services:
    api:
      initial: v3
      versions:
        v1: {command: [./api]}
        v2: {command: []}
load: {target: api, duration: 10s, streams: [{name: r, rate: 1/s, path: /}]}
`,
			want: []string{
				`s.yaml:6:16: system.services.api.initial: version "v3" is not defined (did you mean "v1"?)`,
				`s.yaml:9:14: system.services.api.versions.v2.command: empty; give the program and its arguments, such as ["./bin/app", "--listen", "${addr}"]`,
			},
		},
		{
			name: "links name undefined services and repeat a name",
			src: `apiVersion: faultdrill/v1
metadata: {name: t}
system:
  services:
    api: {initial: v1, versions: {v1: {command: [./api]}}}
    store: {initial: v1, versions: {v1: {command: [./store]}}}
  links:
    - {name: api-to-store, from: api, to: stor}
    - {name: api-to-store, from: api, to: api}
load: {target: api, duration: 10s, streams: [{name: r, rate: 1/s, path: /}]}
`,
			want: []string{
				`s.yaml:8:43: system.links[0].to: service "stor" is not defined (did you mean "store"?)`,
				`s.yaml:9:7: system.links[1]: from and to are both "api"; a link joins two different services`,
				`s.yaml:9:14: system.links[1].name: link "api-to-store" is already defined at line 8; give each link its own name`,
			},
		},
		{
			name: "links of several ports listen on loopback and name ports of their service",
			src: `apiVersion: faultdrill/v1
metadata: {name: t}
system:
  services:
    api: {initial: v1, versions: {v1: {command: [./api]}}}
    store: {initial: v1, ports: [client, peer], versions: {v1: {command: [./store]}}}
  links:
    - {name: a, from: api, to: store, ports: [client, peers], listen: 10.0.0.1}
    - {name: b, from: api, to: store, port: client, ports: [peer]}
load: {target: api, duration: 10s, streams: [{name: r, rate: 1/s, path: /}]}
`,
			want: []string{
				`s.yaml:8:55: system.links[0].ports[1]: service "store" has no port "peers" (one of: client, peer)`,
				`s.yaml:8:71: system.links[0].listen: "10.0.0.1" is not a loopback IPv4 address; use one such as 127.20.1.2 (the proxies listen there, each on its target port's number)`,
				`s.yaml:9:53: system.links[1].ports: port and ports are both set; give one port, or the list of ports the link leads to`,
			},
		},
		{
			name: "load target, duration and streams",
			src: `apiVersion: faultdrill/v1
metadata: {name: t}
system:
  services:
    api: {initial: v1, versions: {v1: {command: [./api]}}}
load:
  target: apu
  duration: -5s
  streams:
    - {name: r, rate: 1/s, path: items}
    - {name: r, path: /, method: GTE}
`,
			want: []string{
				`s.yaml:7:11: load.target: service "apu" is not defined (did you mean "api"?)`,
				`s.yaml:8:13: load.duration: -5s is negative; set how long load runs, such as "30s"`,
				`s.yaml:10:34: load.streams[0].path: "items" must start with "/", such as "/items"`,
				`s.yaml:11:7: load.streams[1].rate: missing; set a rate such as "100/s"`,
				`s.yaml:11:14: load.streams[1].name: stream "r" is already defined at line 10; give each stream its own name`,
				`s.yaml:11:34: load.streams[1].method: unknown HTTP method "GTE" (did you mean "GET"?)`,
			},
		},
		{
			name: "a step with two actions, and offsets out of order and past the load",
			src: base + `timeline:
  - at: 5s
    deploy: {service: api, version: v1}
    wait: 1s
  - at: 3s
    wait: 1s
  - at: 11s
    wait: 1s
  - {}
`,
			want: []string{
				`s.yaml:15:5: timeline[0]: has deploy and wait; give each step exactly one of deploy, inject, partition, snapshot, action, heal or wait`,
				`s.yaml:18:9: timeline[1].at: 3s is earlier than the time the steps before it reach (6s); keep the timeline in time order`,
				`s.yaml:20:9: timeline[2].at: 11s is after load ends (10s); move it earlier or make load.duration longer`,
				`s.yaml:22:5: timeline[3]: no action; give the step one of deploy, inject, partition, snapshot, action, heal or wait`,
			},
		},
		{
			name: "deploy of an undefined version",
			src: base + `timeline:
  - deploy: {service: api, version: v2}
`,
			want: []string{
				`s.yaml:15:37: timeline[0].deploy.version: version "v2" is not defined (did you mean "v1"?)`,
			},
		},
		{
			name: "inject checks the fault spec",
			src: twoTier + `  - inject: {kind: latency, link: api-to-store, toxicity: 1.5, direction: sideways}
  - inject: {kind: blackhole, link: api-to-stor, latency: 5ms}
`,
			want: []string{
				`s.yaml:24:5: timeline[1].inject.latency: 0s must be at least 1ms for kind latency`,
				`s.yaml:24:59: timeline[1].inject.toxicity: 1.5 must be in (0, 1]`,
				`s.yaml:24:75: timeline[1].inject.direction: "sideways" is unknown: use both, upstream or downstream`,
				`s.yaml:25:37: timeline[2].inject.link: link "api-to-stor" is not defined (did you mean "api-to-store"?)`,
				`s.yaml:25:59: timeline[2].inject.latency: latency applies only to kind latency`,
			},
		},
		{
			name: "heal before the inject, and heal of a near-miss name",
			src: twoTier + `  - heal: blackhole@api-to-store
  - inject: {kind: blackhole, link: api-to-store}
  - heal: blackhole@api-to-stor
`,
			want: []string{
				`s.yaml:24:11: timeline[1].heal: fault "blackhole@api-to-store" is injected later, by timeline[2]; move the heal after that step`,
				`s.yaml:26:11: timeline[3].heal: no earlier step injects a fault or partition named "blackhole@api-to-stor" (did you mean "blackhole@api-to-store"?)`,
			},
		},
		{
			name: "triggers: unknown metric, both thresholds, units that do not fit",
			src: twoTier + `rollback:
  triggers:
    - {metric: error-rate, above: 5%}
    - {metric: p99, above: 5%, below: 100ms}
    - {metric: p99, above: 5%}
    - {metric: throughput, below: 250ms}
    - {metric: error_rate, above: 80, for: -1s}
`,
			want: []string{
				`s.yaml:26:16: rollback.triggers[0].metric: unknown metric "error-rate" (did you mean "error_rate"?)`,
				`s.yaml:27:7: rollback.triggers[1]: has both above and below; set exactly one of them`,
				`s.yaml:28:28: rollback.triggers[2].above: "5%" does not fit p99, a latency; write a duration such as "250ms" or a multiple of the baseline such as "3x"`,
				`s.yaml:29:35: rollback.triggers[3].below: "250ms" does not fit throughput, in requests per second; write a number such as 50 or a multiple of the baseline such as "0.5x"`,
				`s.yaml:30:35: rollback.triggers[4].above: "80" does not fit error_rate, a fraction of requests; write a percentage such as "5%", a fraction such as 0.05 or a multiple of the baseline such as "3x"`,
				`s.yaml:30:44: rollback.triggers[4].for: -1s is negative; use how long the condition must hold, such as "2s"`,
			},
		},
		{
			name: "plan: unknown action and a service the timeline never deploys",
			src: `apiVersion: faultdrill/v1
metadata: {name: t}
system:
  services:
    api: {initial: v1, versions: {v1: {command: [./api]}, v2: {command: [./api]}}}
    db: {initial: v1, versions: {v1: {command: [./db]}}}
load: {target: api, duration: 10s, streams: [{name: r, rate: 1/s, path: /}]}
timeline:
  - {at: 1s, deploy: {service: api, version: v2}}
rollback:
  triggers: [{metric: error_rate, above: 5%}]
  plan:
    - {action: redeploy, service: api}
    - {action: redeploy-previous, service: db}
`,
			want: []string{
				`s.yaml:13:16: rollback.plan[0].action: unknown action "redeploy" (did you mean "redeploy-previous"?)`,
				`s.yaml:14:44: rollback.plan[1].service: the timeline never deploys "db", so it has no previous version; name a service a deploy step switches (api)`,
			},
		},
		{
			name: "objectives out of range",
			src: base + `objectives:
  passScore: 120
  rpo: -1
  rto: -10s
  rtoFrom: fault
`,
			want: []string{
				`s.yaml:15:14: objectives.passScore: 120 is out of range; use a score from 0 to 100`,
				`s.yaml:16:8: objectives.rpo: -1 is negative; use how many acknowledged writes may be lost, 0 or more`,
				`s.yaml:17:8: objectives.rto: -10s is negative; use the longest acceptable recovery time, such as "30s"`,
				`s.yaml:18:12: objectives.rtoFrom: unknown starting point "fault" (did you mean "fault-onset"?)`,
			},
		},
		{
			name: "durability read without {id} and no writing stream",
			src: base + `verify:
  durability: {read: GET /entries}
`,
			want: []string{
				`s.yaml:15:22: verify.durability.read: "GET /entries" does not use {id}; put {id} where the write's request id goes, such as "GET /entries/{id}"`,
				`s.yaml:15:22: verify.durability.read: no load stream has writes: true, so there is nothing to read back; add writes: true to the stream that writes`,
			},
		},
		{
			name: "variables: a typo in a link reference, data_dir without dataDir",
			src: `apiVersion: faultdrill/v1
metadata: {name: t}
vars: {bin: ./bin}
system:
  services:
    store: {initial: v1, versions: {v1: {command: ["${bin}/store", "${data_dir}"]}}}
    api: {initial: v1, versions: {v1: {command: ["${bni}/api", "${link.api-to-stor}"]}}}
  links: [{name: api-to-store, from: api, to: store}]
load: {target: api, duration: 10s, streams: [{name: r, rate: 1/s, path: /}]}
`,
			want: []string{
				`s.yaml:6:68: system.services.store.versions.v1.command[1]: ${data_dir} is only set for a service with a data directory; add dataDir: true to service "store"`,
				`s.yaml:7:50: system.services.api.versions.v1.command[0]: unknown variable ${bni} (did you mean ${bin}?)`,
				`s.yaml:7:64: system.services.api.versions.v1.command[1]: unknown variable ${link.api-to-stor} (did you mean ${link.api-to-store}?)`,
			},
		},
		{
			name: "values of the wrong shape",
			src: `apiVersion: faultdrill/v1
metadata: [t]
system:
  services:
    api:
      initial: v1
      dataDir: yes please
      versions:
        v1: {command: ./api --listen}
load: {target: api, duration: 10s, streams: {name: r}}
objectives: {rpo: 1.5}
`,
			want: []string{
				`s.yaml:2:11: metadata: want a mapping of fields, got a list`,
				`s.yaml:7:16: system.services.api.dataDir: want true or false, got "yes please"`,
				`s.yaml:9:23: system.services.api.versions.v1.command: want a list, got "./api --listen"`,
				`s.yaml:10:45: load.streams: want a list, got a mapping`,
				`s.yaml:11:19: objectives.rpo: want a whole number, got 1.5`,
			},
		},
		{
			name: "durations, rates and thresholds that do not parse",
			src: base + `timeline:
  - at: 5x
    wait: 10
rollback:
  triggers: [{metric: error_rate, above: lots, for: 2 s}]
objectives: {rto: [10s]}
`,
			want: []string{
				`s.yaml:15:9: timeline[0].at: "5x" is not a duration; write a number with a unit (ms, s, m or h), such as "30s"`,
				`s.yaml:16:11: timeline[0].wait: 10 has no unit; write a duration such as "10s"`,
				`s.yaml:18:42: rollback.triggers[0].above: "lots" is not a threshold; write a percentage ("5%"), a fraction (0.05), a duration ("250ms"), a plain number (50) or a multiple of the baseline ("3x")`,
				`s.yaml:18:53: rollback.triggers[0].for: "2 s" is not a duration; write a number with a unit (ms, s, m or h), such as "30s"`,
				`s.yaml:19:19: objectives.rto: want a duration such as "30s", got a list`,
			},
		},
		{
			name: "bad rates",
			src: `apiVersion: faultdrill/v1
metadata: {name: t}
system: {services: {api: {initial: v1, versions: {v1: {command: [./api]}}}}}
load:
  target: api
  duration: 10s
  streams:
    - {name: a, rate: 0/s, path: /}
    - {name: b, rate: fast, path: /}
    - {name: c, rate: 10/fortnight, path: /}
`,
			want: []string{
				`s.yaml:8:23: load.streams[0].rate: "0/s" is not a rate; write a positive whole number of requests per unit, such as "100/s", "600/m" or "5/250ms"`,
				`s.yaml:9:23: load.streams[1].rate: "fast" is not a rate; write a positive whole number of requests per unit, such as "100/s", "600/m" or "5/250ms"`,
				`s.yaml:10:23: load.streams[2].rate: "10/fortnight" is not a rate; write a positive whole number of requests per unit, such as "100/s", "600/m" or "5/250ms"`,
			},
		},
		{
			name: "names, vars and the runtime",
			src: `apiVersion: faultdrill/v1
metadata: {name: t}
vars: {port: "80", tool: ./t}
system:
  runtime: proces
  services:
    "my api": {initial: v1, health: healthz, versions: {v1: {command: ["${tool}", "$HOME", "${nope}"]}}}
load: {target: my api, duration: 10s, streams: [{name: r/1, rate: 2000000/s, path: "/a b", headers: {"Bad Header": x}}]}
`,
			want: []string{
				`s.yaml:3:14: vars.port: ${port} is set by the runtime and cannot be redefined; give the var another name`,
				`s.yaml:5:12: system.runtime: unknown runtime "proces" (did you mean "process"?)`,
				`s.yaml:7:5: system.services["my api"]: service name "my api" may only use letters, digits, "-", "_" and ".", starting with a letter or digit, up to 63 characters`,
				`s.yaml:7:37: system.services["my api"].health: "healthz" must start with "/", such as "/healthz"`,
				`s.yaml:7:83: system.services["my api"].versions.v1.command[1]: a "$" must start ${name}; write $$ for a literal $`,
				`s.yaml:7:92: system.services["my api"].versions.v1.command[2]: unknown variable ${nope}; define it under vars, or use ${port}, ${addr}, ${data_dir}, ${service}, ${version}, ${link.NAME}, ${addr.SERVICE} or ${addr.SERVICE.PORT}`,
				`s.yaml:8:56: load.streams[0].name: stream name "r/1" may only use letters, digits, "-", "_" and ".", starting with a letter or digit, up to 63 characters; it prefixes every request id`,
				`s.yaml:8:67: load.streams[0].rate: 2000000/s is more than 1000000/s; one stream cannot send faster`,
				`s.yaml:8:84: load.streams[0].path: "/a b" holds a space, a line break or "#"; escape it (%20) or leave it out`,
				`s.yaml:8:116: load.streams[0].headers["Bad Header"]: "Bad Header" is not a header name; use letters, digits and "-", such as Content-Type`,
			},
		},
		{
			name: "fault rules for down links and small latencies",
			src: twoTier + `  - inject: {kind: down, link: api-to-store, direction: upstream, toxicity: 0.5}
  - inject: {kind: latency, link: api-to-store, latency: 500us, jitter: -1ms, duration: -1s}
  - wait: -2s
  - inject: {name: "bad name", kind: blackhole, link: api-to-store}
`,
			want: []string{
				`s.yaml:24:57: timeline[1].inject.direction: kind down acts both ways: leave direction empty or use both`,
				`s.yaml:24:77: timeline[1].inject.toxicity: kind down affects everything: leave toxicity empty or use 1`,
				`s.yaml:25:58: timeline[2].inject.latency: 500µs must be at least 1ms for kind latency`,
				`s.yaml:25:73: timeline[2].inject.jitter: -1ms must not be negative`,
				`s.yaml:25:89: timeline[2].inject.duration: -1s must not be negative`,
				`s.yaml:26:11: timeline[3].wait: -2s is negative; use how long the timeline pauses, such as "5s"`,
				`s.yaml:27:20: timeline[4].inject.name: "bad name" must start with a letter or digit and hold only letters, digits and . _ @ : -`,
			},
		},
		{
			name: "SLO and verify settings",
			src: base + `objectives: {slo: {errorRate: 250ms, p99: -1s}}
verify:
  health: {timeout: -1s}
  durability: {concurrency: -2}
`,
			want: []string{
				`s.yaml:14:31: objectives.slo.errorRate: "250ms" is not a fraction of requests; write a percentage such as "1%" or a fraction such as 0.01`,
				`s.yaml:14:43: objectives.slo.p99: -1s is negative; use the highest acceptable p99 latency, such as "300ms", or leave it out for no limit`,
				`s.yaml:16:21: verify.health.timeout: -1s is negative; use how long to wait for every service to answer, such as "10s"`,
				`s.yaml:17:3: verify.durability: off without read or list; add read: "GET /entries/{id}" or list: "GET /entries", or remove durability`,
				`s.yaml:17:29: verify.durability.concurrency: -2 is negative; use how many reads run at once, such as 16`,
			},
		},
		{
			name: "a YAML syntax error",
			src:  "apiVersion: faultdrill/v1\nmetadata: {name: t}\nmetadata: {name: u}\n",
			want: []string{
				`s.yaml:3:1: mapping key "metadata" already defined at [2:1]`,
			},
		},
	}
}
