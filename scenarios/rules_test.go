package scenarios_test

import "strings"

// withData is a valid scenario whose store keeps a data directory and has
// a second version; 23 lines long and ending in "timeline:", so steps
// appended to it start on line 24.
const withData = `apiVersion: faultdrill/v1
metadata: {name: with-data}
system:
  services:
    store:
      dataDir: true
      initial: v1
      versions:
        v1: {command: [./store, "${data_dir}"]}
        v2: {command: [./store, "${data_dir}", --rewrite]}
    api:
      initial: v1
      versions:
        v1: {command: [./api, "${link.api-to-store}"]}
        v2: {command: [./api, "${link.api-to-store}", --bad]}
  links:
    - {name: api-to-store, from: api, to: store}
load:
  target: api
  duration: 20s
  streams:
    - {name: writes, rate: 50/s, path: "/entries/{id}", writes: true}
timeline:
`

// ruleCases are the bad cases of the rules added with the leaf packages'
// new vocabulary: objectives, docker, ramps and keys, process faults,
// partitions, snapshots, actions, triggers and verifiers.
func ruleCases() []badCase {
	return []badCase{
		{
			name: "a ring of links outside one start group, named ports that do not exist",
			src: `apiVersion: faultdrill/v1
metadata: {name: ring}
system:
  services:
    m1: {initial: v1, ports: [client, peer], healthPort: gossip, versions: {v1: {command: [./m, "${addr.m2.peer}", "${addr.raft}"]}}}
    m2: {initial: v1, ports: [client, peer, peer], versions: {v1: {command: [./m]}}}
    m3: {initial: v1, versions: {v1: {command: [./m]}}}
  links:
    - {name: m1-m2, from: m1, to: m2, port: peer}
    - {name: m2-m3, from: m2, to: m3, port: peer}
    - {name: m3-m1, from: m3, to: m1}
load: {target: m1, port: admin, duration: 10s, streams: [{name: r, rate: 1/s, path: /}]}
`,
			want: []string{
				`s.yaml:5:58: system.services.m1.healthPort: port "gossip" is not defined; use one of: client, peer`,
				`s.yaml:5:116: system.services.m1.versions.v1.command[2]: unknown variable ${addr.raft} (did you mean ${addr.m1}?)`,
				`s.yaml:6:45: system.services.m2.ports[2]: port "peer" is named twice; give each port its own name`,
				`s.yaml:9:7: system.links[0]: links form a cycle (m1 → m2 → m3 → m1), so no service of it can start first; put those services in one start group (group: NAME on each) to start them together`,
				`s.yaml:10:45: system.links[1].port: service "m3" names no ports; add ports: [peer, …] to it, or leave port out for its main port`,
				`s.yaml:12:26: load.port: service "m1" has no port "admin" (one of: client, peer)`,
			},
		},
		{
			name: "request templates and response rules that cannot work",
			src: base + `    - {name: w, rate: 1/s, path: "/kv/{ky}", writes: true}
    - {name: r, rate: 1/s, path: /kv, response: {value: {header: X-V, jsonPath: v}}}
verify:
  durability:
    read: {method: FETCH, path: "/items/{id}"}
    response: {absent: {jsonPath: kvs}}
  duplicates:
    read: {path: items}
`,
			want: []string{
				`s.yaml:14:34: load.streams[1].path: invalid request template: path: unknown placeholder {ky}; use one of {id}, {key}, {value}, {now}, {unixms}`,
				`s.yaml:15:39: load.streams[2].response: invalid response rule: value: set exactly one of header, jsonPath and body: true`,
				`s.yaml:18:5: verify.durability.read: unknown HTTP method "FETCH" (did you mean "PATCH"?)`,
				`s.yaml:19:5: verify.durability.response: invalid response rule: absent: with a jsonPath, set exactly one of empty: true and equals`,
				`s.yaml:21:5: verify.duplicates.read: path "items" must start with "/", such as "GET /items"`,
			},
		},
		{
			name: "new fields of the wrong shape",
			src: twoTier + `  - partition: {between: api}
  - partition: {split: [api, store]}
rollback:
  triggers: [{at: 10}, {any: {metric: p99}}]
  plan: [{action: http, url: /x, service: api, idempotent: maybe, status: "200"}]
objectives: {weights: {rto: high}, errorBudget: [5%]}
verify:
  mixedVersions: {maxFailures: 1.5}
`,
			want: []string{
				`s.yaml:24:26: timeline[1].partition.between: want a list, got "api"`,
				`s.yaml:25:25: timeline[2].partition.split[0]: want a list, got "api"`,
				`s.yaml:25:30: timeline[2].partition.split[1]: want a list, got "store"`,
				`s.yaml:27:19: rollback.triggers[0].at: 10 has no unit; write a duration such as "10s"`,
				`s.yaml:27:30: rollback.triggers[1].any: want a list, got a mapping`,
				`s.yaml:28:60: rollback.plan[0].idempotent: want true or false, got "maybe"`,
				`s.yaml:28:75: rollback.plan[0].status: want a whole number, got "200"`,
				`s.yaml:29:29: objectives.weights.rto: want a number, got "high"`,
				`s.yaml:29:49: objectives.errorBudget: want a threshold, got a list; write a percentage ("5%"), a fraction (0.05), a duration ("250ms"), a plain number (50) or a multiple of the baseline ("3x")`,
				`s.yaml:31:32: verify.mixedVersions.maxFailures: want a whole number, got 1.5`,
			},
		},
		{
			name: "objectives: detection, error budget and score weights",
			src: base + `objectives:
  detection: -1s
  errorBudget: 250ms
  weights: {rto: 40, speed: 10, health: -1, detecton: 5}
`,
			want: []string{
				`s.yaml:15:14: objectives.detection: -1s is negative; use the longest acceptable time from fault onset to a trigger firing, such as "5s", or leave it out`,
				`s.yaml:16:16: objectives.errorBudget: "250ms" is not a fraction of requests; write a percentage such as "5%" or a fraction such as 0.05`,
				`s.yaml:17:29: objectives.weights.speed: unknown score part "speed"; use one of: detection, errorBudget, health, rto, slo`,
				`s.yaml:17:41: objectives.weights.health: -1 is not a weight; use a number, 0 or more (0 leaves the part out of the score)`,
				`s.yaml:17:55: objectives.weights.detecton: unknown score part "detecton" (did you mean "detection"?)`,
			},
		},
		{
			name: "vars cannot redefine the engine's expansions",
			src:  base + "vars: {addr.api: x, data_dir.store: y, link.a: z}\n",
			want: []string{
				`s.yaml:14:18: vars["addr.api"]: ${addr.api} is set by the runtime and cannot be redefined; give the var another name`,
				`s.yaml:14:37: vars["data_dir.store"]: ${data_dir.store} is set by the runtime and cannot be redefined; give the var another name`,
				`s.yaml:14:48: vars["link.a"]: ${link.a} is set by the runtime and cannot be redefined; give the var another name`,
			},
		},
		{
			name: "secrets: only vars, each once; load headers name vars",
			src: strings.Replace(base, `path: /}`, `path: /, headers: {Authorization: "Bearer ${api_tokn}", X-Cost: "5$"}}`, 1) +
				"vars: {api_token: x, dsn: y}\nsecrets: [dsn, dsn, nope]\n",
			want: []string{
				`s.yaml:13:67: load.streams[0].headers.Authorization: unknown variable ${api_tokn} (did you mean ${api_token}?)`,
				`s.yaml:13:97: load.streams[0].headers.X-Cost: a "$" must start ${name}; write $$ for a literal $`,
				`s.yaml:15:16: secrets[1]: "dsn" is listed twice; list each secret var once`,
				`s.yaml:15:21: secrets[2]: "nope" is not a var; list the names of vars defined under vars, such as api_token`,
			},
		},
		{
			name: "system: a toxiproxy address that is no URL, and docker versions",
			src: `apiVersion: faultdrill/v1
metadata: {name: t}
system:
  runtime: docker
  toxiproxy: {url: "127.0.0.1:8474"}
  services:
    api:
      initial: v1
      versions:
        v1: {image: "ledger:dev", port: 8080}
        v2: {image: "ledger:dev", port: 9090, dir: app}
        v3: {command: [--flag]}
        v4: {image: "ledger:dev", build: {context: .}}
    toxiproxy: {initial: v1, versions: {v1: {build: {dockerfile: Dockerfile}}}}
load: {target: api, duration: 10s, streams: [{name: r, rate: 1/s, path: /}]}
`,
			want: []string{
				`s.yaml:5:20: system.toxiproxy.url: "127.0.0.1:8474" is not an http(s) URL; write the toxiproxy API's address, such as "http://127.0.0.1:8474", or leave url out to use the embedded server`,
				`s.yaml:11:41: system.services.api.versions.v2.port: 9090 differs from version v1's port 8080; every version of a service listens on the same container port, the one its callers dial`,
				`s.yaml:11:52: system.services.api.versions.v2.dir: "app" is relative; inside a container the working dir is an absolute path, such as /app`,
				`s.yaml:12:9: system.services.api.versions.v3: no image; the docker runtime needs image (a local repo:tag, such as "faultdrill/ledger:dev") or build (a Dockerfile's context folder)`,
				`s.yaml:13:35: system.services.api.versions.v4.build: has both image and build; keep one`,
				`s.yaml:14:5: system.services.toxiproxy: the docker runtime names its toxiproxy container "toxiproxy" on the drill network; give the service another name`,
				`s.yaml:14:46: system.services.toxiproxy.versions.v1.build.context: missing; give the folder to build from, relative to the scenario file, such as ../../demo/docker`,
			},
		},
		{
			name: "load: ramps and key-value streams",
			src: `apiVersion: faultdrill/v1
metadata: {name: t}
system: {services: {api: {initial: v1, versions: {v1: {command: [./api]}}}}}
load:
  target: api
  duration: 10s
  streams:
    - {name: a, rate: 10/s, path: /, rampOver: 5s}
    - {name: b, rate: 10/s, path: /, rampTo: 2000000/s, rampOver: -1s}
    - {name: c, rate: 10/s, path: "/kv/{key}", keys: -1}
    - {name: d, rate: 10/s, path: /kv, body: "{key}"}
`,
			want: []string{
				`s.yaml:8:48: load.streams[0].rampOver: no rampTo to ramp to; add rampTo, such as "500/s", or remove rampOver`,
				`s.yaml:9:46: load.streams[1].rampTo: 2000000/s is more than 1000000/s; one stream cannot send faster`,
				`s.yaml:9:67: load.streams[1].rampOver: -1s is negative; use how long the ramp lasts, such as "10s", or leave it out to ramp over the whole load`,
				`s.yaml:10:54: load.streams[2].keys: -1 is negative; use how many keys the stream spreads its requests over, such as 20`,
				`s.yaml:11:46: load.streams[3].body: {key} is used but the stream has no keys; add keys: N to spread requests over the keys k0 … kN-1`,
			},
		},
		{
			name: "process faults: the service, the target kind and the kind",
			src: twoTier + `  - inject: {kind: pause, service: stor}
  - inject: {kind: kill, link: api-to-store}
  - inject: {kind: restart, service: api, duration: 5s}
  - inject: {kind: latencyy, link: api-to-store}
`,
			want: []string{
				`s.yaml:24:36: timeline[1].inject.service: service "stor" is not defined (did you mean "store"?)`,
				`s.yaml:25:5: timeline[2].inject.service: missing; name the service to kill (one of: api, store)`,
				`s.yaml:25:32: timeline[2].inject.link: kind kill acts on a service, not a link`,
				`s.yaml:26:53: timeline[3].inject.duration: a restart is over once done: it takes no duration`,
				`s.yaml:27:20: timeline[4].inject.kind: unknown fault kind "latencyy" (did you mean "latency"?)`,
			},
		},
		{
			name: "process faults need a runtime that has processes",
			src: `apiVersion: faultdrill/v1
metadata: {name: t}
system: {runtime: k8s, services: {api: {initial: v1, versions: {v1: {command: [./api]}}}}}
load: {target: api, duration: 10s, streams: [{name: r, rate: 1/s, path: /}]}
timeline:
  - inject: {kind: pause, service: api}
`,
			want: []string{
				`s.yaml:3:19: system.runtime: unknown runtime "k8s"; use one of: process, docker`,
				`s.yaml:6:20: timeline[0].inject.kind: pause faults act on processes, which the "k8s" runtime does not run; use system.runtime: process or docker`,
			},
		},
		{
			name: "partitions: services, the cut, and a cut that crosses no link",
			src: `apiVersion: faultdrill/v1
metadata: {name: t}
system:
  services:
    api: {initial: v1, versions: {v1: {command: [./api]}}}
    store: {initial: v1, versions: {v1: {command: [./store]}}}
    cache: {initial: v1, versions: {v1: {command: [./cache]}}}
  links: [{name: api-to-store, from: api, to: store}]
load: {target: api, duration: 10s, streams: [{name: r, rate: 1/s, path: /}]}
timeline:
  - partition: {isolate: stor}
  - partition: {split: [[api], [store, cahce]]}
  - partition: {between: [api, api]}
  - partition: {isolate: api, between: [api, store], mode: latency}
  - partition: {isolate: cache}
`,
			want: []string{
				`s.yaml:11:26: timeline[0].partition.isolate: service "stor" is not defined (did you mean "store"?)`,
				`s.yaml:12:40: timeline[1].partition.split[1][1]: service "cahce" is not defined (did you mean "cache"?)`,
				`s.yaml:13:17: timeline[2].partition.between: needs two different services, not "api" twice`,
				`s.yaml:14:26: timeline[3].partition.isolate: a partition needs exactly one of isolate, split or between (it has 2)`,
				`s.yaml:14:60: timeline[3].partition.mode: unknown partition mode "latency"; use one of: blackhole, down`,
				`s.yaml:15:5: timeline[4].partition: cuts no link: no link in system.links joins its two sides, so nothing would break; partition services that call each other through a link`,
			},
		},
		{
			name: "heal: partitions by name, instant faults, a name still active",
			src: twoTier + `  - partition: {isolate: store}
  - heal: isolate@stor
  - heal: isolate@store
  - inject: {kind: restart, service: api}
  - heal: restart@api
  - inject: {kind: blackhole, link: api-to-store}
  - inject: {kind: blackhole, link: api-to-store}
`,
			want: []string{
				`s.yaml:25:11: timeline[2].heal: no earlier step injects a fault or partition named "isolate@stor" (did you mean "isolate@store"?)`,
				`s.yaml:28:11: timeline[5].heal: fault "restart@api" is over once injected (a restart, or a kill with restart), so there is nothing to heal; remove this step`,
				`s.yaml:30:5: timeline[7].inject.name: "blackhole@api-to-store" is still active: timeline[6] injected it with no duration and no step healed it since; heal it first or give this one its own name`,
			},
		},
		{
			name: "snapshots and restore-snapshot actions",
			src: withData + `  - {at: 2s, snapshot: {service: api}}
  - {at: 3s, snapshot: {service: store}}
  - {at: 4s, snapshot: {service: store, name: "bad name"}}
  - {at: 5s, snapshot: {service: store}}
  - {at: 6s, action: {action: restore-snapshot, service: store, snapshot: later}}
  - {at: 7s, snapshot: {service: store, name: later}}
rollback:
  triggers: [{metric: error_rate, above: 5%}]
  plan:
    - {action: restore-snapshot, service: store, snapshot: latr}
    - {action: restore-snapshot, service: api}
`,
			want: []string{
				`s.yaml:24:34: timeline[0].snapshot.service: service "api" has no data directory to copy; add dataDir: true to it (one of: store)`,
				`s.yaml:26:47: timeline[2].snapshot.name: snapshot name "bad name" may only use letters, digits, "-", "_" and ".", starting with a letter or digit, up to 63 characters`,
				`s.yaml:27:14: timeline[3].snapshot.name: snapshot "store" is already taken by timeline[1]; give each snapshot its own name`,
				`s.yaml:28:75: timeline[4].action.snapshot: no step before this one takes a snapshot named "later"; add a step such as {at: 5s, snapshot: {service: store, name: later}} before it`,
				`s.yaml:33:60: rollback.plan[0].snapshot: no timeline step takes a snapshot named "latr" (did you mean "later"?)`,
				`s.yaml:34:43: rollback.plan[1].service: service "api" has no data directory to restore; add dataDir: true to it`,
			},
		},
		{
			name: "actions: the fields each kind reads, URLs, commands and services",
			src: withData + `  - {at: 2s, action: {action: redeploy-previous, service: api}}
  - {at: 3s, deploy: {service: api, version: v2}}
rollback:
  triggers: [{metric: error_rate, above: 5%}]
  plan:
    - {action: flag, url: /flags/x, command: [x]}
    - {action: http, service: api, url: "http://example.com/x", method: FETCH, status: 700}
    - {action: command, command: [" "], timeout: -1s}
    - {action: migrate-down, command: [./migrate, "${data_dir}", "${data_dir.api}"]}
    - {action: redeploy-previous, service: store}
    - {action: undo}
    - {action: http, service: api, url: flags, headers: {X-Token: "${token}"}, retries: -1, snapshot: s}
`,
			want: []string{
				`s.yaml:24:59: timeline[0].action.service: no step before this one deploys "api", so it has no previous version; deploy it first`,
				`s.yaml:29:7: rollback.plan[0].service: missing; name the service to call the path on (one of: api, store)`,
				`s.yaml:29:37: rollback.plan[0].command: only command and migrate-down actions read command; remove it`,
				`s.yaml:30:41: rollback.plan[1].url: "http://example.com/x" is not on a loopback host; actions only call the system under test, through a path on its service (such as /flags/x) or a URL on 127.0.0.1`,
				`s.yaml:30:73: rollback.plan[1].method: unknown HTTP method "FETCH" (did you mean "PATCH"?)`,
				`s.yaml:30:88: rollback.plan[1].status: 700 is not an HTTP status; use the status expected, such as 200, or leave it out for any 2xx`,
				`s.yaml:31:35: rollback.plan[2].command[0]: empty; the first element is the program to run`,
				`s.yaml:31:50: rollback.plan[2].timeout: -1s is negative; use how long one attempt may take, such as "30s", or leave it out`,
				`s.yaml:32:7: rollback.plan[3].service: missing; name the service whose schema goes down (one of: api, store)`,
				`s.yaml:32:51: rollback.plan[3].command[1]: ${data_dir} is the data directory of the action's service, and this names none; set service, or use ${data_dir.SERVICE}`,
				`s.yaml:32:66: rollback.plan[3].command[2]: service "api" has no data directory; add dataDir: true to it`,
				`s.yaml:33:44: rollback.plan[4].service: the timeline never deploys "store", so it has no previous version; name a service a deploy step switches (api)`,
				`s.yaml:34:16: rollback.plan[5].action: unknown action "undo"; use one of: redeploy-previous, flag, command, http, migrate-down, restore-snapshot, stop, start`,
				`s.yaml:35:41: rollback.plan[6].url: "flags" is neither a path nor an http(s) URL; write a path on the service, such as "/flags"`,
				`s.yaml:35:67: rollback.plan[6].headers.X-Token: unknown variable ${token}; define it under vars, or use ${addr.SERVICE}, ${data_dir.SERVICE}, ${link.NAME}, or ${addr} and ${data_dir} of the action's service`,
				`s.yaml:35:89: rollback.plan[6].retries: -1 is negative; use how many more attempts follow a failed one, 0 or more`,
				`s.yaml:35:103: rollback.plan[6].snapshot: only restore-snapshot actions read snapshot; remove it`,
			},
		},
		{
			name: "actions: http assertions and polling",
			src: withData + `  - {at: 3s, deploy: {service: api, version: v2}}
rollback:
  triggers: [{metric: error_rate, above: 5%}]
  plan:
    - action: http
      service: api
      url: /status
      expect:
        - {jsonPath: "$..storage", equals: v2}
        - {jsonPath: $.version}
        - {jsonPath: $.state, matches: "(ready"}
        - {jsonPath: $.state, equals: a, notEquals: b}
      until: {interval: -1s, timeout: -2s}
    - {action: redeploy-previous, service: api, until: {timeout: 5s}, expect: [{jsonPath: $.a, equals: b}]}
`,
			want: []string{
				`s.yaml:32:22: rollback.plan[0].expect[0].jsonPath: "$..storage" is not a JSON path; write one such as "$.storage.version" or "$.items[0].state"`,
				`s.yaml:33:11: rollback.plan[0].expect[1]: set exactly one of equals, notEquals or matches, to compare the value at $.version with`,
				`s.yaml:34:40: rollback.plan[0].expect[2].matches: "(ready" is not a regular expression (Go syntax): missing closing )`,
				`s.yaml:35:11: rollback.plan[0].expect[3]: set exactly one of equals, notEquals or matches, to compare the value at $.state with`,
				`s.yaml:36:25: rollback.plan[0].until.interval: -1s is negative; use the pause between requests, such as "500ms"`,
				`s.yaml:36:39: rollback.plan[0].until.timeout: -2s is negative; use how long to poll, such as "30s"`,
				`s.yaml:37:49: rollback.plan[1].until: only http actions read until; remove it`,
				`s.yaml:37:71: rollback.plan[1].expect: only http actions read expect; remove it`,
			},
		},
		{
			name: "actions: stop, start and the version of a start or restore",
			src: withData + `  - {at: 2s, snapshot: {service: store, name: s}}
  - {at: 3s, action: {action: start, service: api, version: v3}}
rollback:
  triggers: [{metric: error_rate, above: 5%}]
  plan:
    - {action: stop}
    - {action: stop, service: store, version: v1}
    - {action: start, service: stor}
    - {action: restore-snapshot, service: store, snapshot: s, version: v9}
    - {action: redeploy-previous, service: api, version: v1}
    - {action: start, service: store, version: v1}
`,
			want: []string{
				`s.yaml:25:61: timeline[1].action.version: version "v3" is not defined (did you mean "v1"?)`,
				`s.yaml:29:7: rollback.plan[0].service: missing; name the service to stop (one of: api, store)`,
				`s.yaml:30:47: rollback.plan[1].version: only start and restore-snapshot actions read version; remove it`,
				`s.yaml:31:32: rollback.plan[2].service: service "stor" is not defined (did you mean "store"?)`,
				`s.yaml:32:72: rollback.plan[3].version: version "v9" is not defined (did you mean "v1"?)`,
				`s.yaml:33:44: rollback.plan[4].service: the timeline deploys no service, so "api" has no previous version; add a deploy step for it`,
				`s.yaml:33:58: rollback.plan[4].version: only start and restore-snapshot actions read version; remove it`,
			},
		},
		{
			name: "triggers: composite, probe and planned, and a mix of them",
			src: twoTier + `rollback:
  triggers:
    - {metric: p99, above: 250ms, probe: {url: /readyz}}
    - any: [{metric: status_5xx, above: 3x}, {metric: status_4xx, above: 80}, {probe: {url: /healthz}}, {at: 5s}]
    - {all: [], for: 2s}
    - probe: {url: readyz, service: apii, interval: -1s, status: 99, jsonField: status}
      for: 2s
    - {at: 45s}
    - {}
  approval: {timeout: -1s}
  healFaults: later
`,
			want: []string{
				`s.yaml:26:7: rollback.triggers[0]: sets metric and probe; a trigger is exactly one of a threshold (metric with above or below), a composite (any or all), a probe or a planned time (at)`,
				`s.yaml:27:74: rollback.triggers[1].any[1].above: "80" does not fit status_4xx, a fraction of requests; write a percentage such as "5%", a fraction such as 0.05 or a multiple of the baseline such as "3x"`,
				`s.yaml:27:80: rollback.triggers[1].any[2].probe: a probe cannot be part of any or all (it never holds there); make it a trigger of its own`,
				`s.yaml:27:110: rollback.triggers[1].any[3].at: a planned trigger cannot be part of any or all (it never holds there); make it a trigger of its own`,
				`s.yaml:28:8: rollback.triggers[2].all: empty; list the triggers of which every one must hold`,
				`s.yaml:28:22: rollback.triggers[2].for: any and all ignore their own for; set for on each trigger in the list`,
				`s.yaml:29:20: rollback.triggers[3].probe.url: "readyz" must start with "/": a probe checks a path on its service, such as "/readyz"`,
				`s.yaml:29:37: rollback.triggers[3].probe.service: service "apii" is not defined (did you mean "api"?)`,
				`s.yaml:29:53: rollback.triggers[3].probe.interval: -1s is negative; use how often to check, such as "1s"`,
				`s.yaml:29:66: rollback.triggers[3].probe.status: 99 is not an HTTP status; use the healthy status, such as 200, or leave it out for any 2xx`,
				`s.yaml:29:81: rollback.triggers[3].probe.jsonField: nothing to compare it with; add equals or notEquals`,
				`s.yaml:30:12: rollback.triggers[3].for: a probe trigger ignores for; set probe.for, how long its checks must keep failing`,
				`s.yaml:31:12: rollback.triggers[4].at: 45s is after load ends (30s); move it earlier or make load.duration longer`,
				`s.yaml:32:7: rollback.triggers[5]: no condition; set metric with above or below, any or all, probe, or at`,
				`s.yaml:33:3: rollback.approval.role: missing; name who approves the rollback, such as payments-oncall`,
				`s.yaml:33:23: rollback.approval.timeout: -1s is negative; use how long to wait for a decision, such as "5m"`,
				`s.yaml:34:15: rollback.healFaults: unknown value "later" (did you mean "after"?); before heals every active fault before the plan runs, after leaves them in place until it is done`,
			},
		},
		{
			name: "verify: list, SLO limits, invariants, duplicates and key-value checks",
			src: base + `verify:
  durability: {list: "GET /entries/{id}"}
  slo: {errorRate: fast, p99: "250", compliance: 150%, window: -1s}
  invariants:
    - {name: a, http: {path: totals, jsonPath: "$..x"}, equals: "1", unchanged: true}
    - {name: a, sql: {driver: mysql, dsn: "${data_dir.api}/db", query: ""}}
    - {name: c}
  duplicates: {concurrency: 4}
  linearizability: {timeout: 10s}
  staleReads: {}
  mixedVersions: {maxFailures: -1}
`,
			want: []string{
				`s.yaml:15:22: verify.durability.list: "GET /entries/{id}" contains {id}; list is one request answering every stored id, such as "GET /entries" (read makes one request per write)`,
				`s.yaml:15:22: verify.durability.list: no load stream has writes: true, so there is nothing to read back; add writes: true to the stream that writes`,
				`s.yaml:16:20: verify.slo.errorRate: "fast" is not an error-rate limit; write a percentage such as "1%", a fraction such as 0.01 or a multiple of the baseline such as "2x"`,
				`s.yaml:16:31: verify.slo.p99: "250" is not a latency limit; write a duration such as "250ms" or a multiple of the baseline such as "2x"`,
				`s.yaml:16:50: verify.slo.compliance: "150%" is not a share of windows; write the share of windows that must meet every limit, such as "95%"`,
				`s.yaml:16:64: verify.slo.window: -1s is negative; use how long after the rollback the SLO is checked, such as "10s", or leave it out for until the load ends`,
				`s.yaml:18:30: verify.invariants[0].http.path: "totals" must start with "/", such as "/totals"`,
				`s.yaml:18:48: verify.invariants[0].http.jsonPath: "$..x" is not a JSON path; write one such as "$.entries" or "$.items[0].amount"`,
				`s.yaml:18:81: verify.invariants[0].unchanged: has both equals and unchanged; keep one`,
				`s.yaml:19:7: verify.invariants[1]: nothing to compare; set equals to the value expected after the drill, or unchanged: true`,
				`s.yaml:19:14: verify.invariants[1].name: invariant "a" is already defined at line 18; give each invariant its own name`,
				`s.yaml:19:31: verify.invariants[1].sql.driver: unknown SQL driver "mysql"; use one of: sqlite, postgres`,
				`s.yaml:19:43: verify.invariants[1].sql.dsn: service "api" has no data directory; add dataDir: true to it`,
				`s.yaml:19:72: verify.invariants[1].sql.query: missing; give one read-only statement that returns one value`,
				`s.yaml:20:7: verify.invariants[2]: no probe; set http (path and jsonPath) or sql (driver, dsn and query)`,
				`s.yaml:20:7: verify.invariants[2]: nothing to compare; set equals to the value expected after the drill, or unchanged: true`,
				`s.yaml:21:3: verify.duplicates: off without read; add read: "GET /entries/{id}" or remove duplicates`,
				`s.yaml:22:3: verify.linearizability: no load stream has keys, so there is no key-value operation to check; add keys to the streams that write and read keys (path /kv/{key}), or remove linearizability`,
				`s.yaml:23:3: verify.staleReads: no load stream has keys, so there is no key-value read to check; add keys to the streams that write and read keys (path /kv/{key}), or remove staleReads`,
				`s.yaml:24:32: verify.mixedVersions.maxFailures: -1 is negative; use how many requests may fail, 0 or more, or leave it out to only inform`,
			},
		},
	}
}
