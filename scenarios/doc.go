// Package scenarios is the drill scenario format: its Go types, strict YAML
// decoding with file:line:col errors, defaults, validation and JSON Schema.
//
// Load (or Parse) reads a scenario in three passes. First the YAML is parsed
// and checked against the Go types: unknown keys (with a "did you mean"),
// values of the wrong shape, and durations, rates and thresholds that do
// not parse. Then it is decoded, ApplyDefaults fills in what was left out,
// and validation checks what no single field shows: references between
// services, versions, links, faults, partitions and snapshots, ranges, the
// order of the timeline, units of rollback thresholds, the ${...} each
// field may use. Where a leaf package validates its own spec (faults,
// load, verify) or owns a vocabulary (fault kinds, metrics, actions, score
// parts), validation asks it and reports its verdict at the field's
// position. Each pass reports every problem it finds at once, as Problems:
// one "file:line:col: message" line each, saying what to do.
//
// # Defaults
//
// ApplyDefaults fills in these values when a field is left out (or zero):
//
//	field                                   default
//	system.runtime                          process
//	system.services.NAME.health             /healthz
//	system.services.NAME.startTimeout       10s (30s on the docker runtime)
//	system.services.NAME.stopGrace          5s
//	system.services.NAME.versions.V.port    8080 (docker runtime only)
//	objectives.rtoFrom                      rollback-start
//	objectives.passScore                    80
//	objectives.rpo                          0 (no acknowledged write may be lost)
//	objectives.slo.errorRate                1%
//	objectives.slo.p99                      none (no latency limit)
//	objectives.detection                    none (no detection objective)
//	objectives.errorBudget                  5%
//	objectives.weights.PART                 rto 30, slo 20, health 20, detection 15, errorBudget 15
//	objectives.expectUnhealthyBeforeFault   false (a trigger firing before the fault onset fails the drill)
//	harness.lagTolerance                    1s (the load generator behind its schedule by more: the drill is void)
//	harness.stepTolerance                   1s (a step taking effect later than its at: by more: the drill is void)
//	load.timeout                            2s
//	load.streams[i].method                  PUT if the stream writes, else GET
//	load.streams[i].response.ack            any 2xx status acknowledges (also verify.durability and duplicates .response)
//	load.streams[i].response.absent         status 404 means "no such item"
//	load.streams[i].response.value          the X-Value header
//	load.streams[i].response.version        the X-Version header
//	load.streams[i].absentOk                true: a read of an absent item is a valid answer
//	timeline[i].inject.name                 KIND@LINK, such as latency@api-to-store (KIND@SERVICE for pause, kill, restart)
//	timeline[i].inject.direction            both (network faults)
//	timeline[i].inject.toxicity             1, every connection (network faults)
//	timeline[i].partition.name              isolate@S, split@A.B:C.D or partition@A:B
//	timeline[i].partition.mode              blackhole
//	timeline[i].partition.direction         both
//	timeline[i].snapshot.name               the service's name
//	timeline[i].timeout                     its own bounds + 15s: deploy stopGrace + startTimeout of the service; snapshot that + 1m;
//	                                        inject/partition 15s (a service fault: + the service's stopGrace + startTimeout);
//	                                        heal the slowest service's stopGrace + startTimeout + 15s; action its attempts and retry delays + 15s
//	                                        (an attempt of an http action with until: until.timeout + timeout);
//	                                        wait none
//	timeline[i].optional                    false (a step that fails or times out fails the drill)
//	rollback.triggers[i].for                1s, one window (thresholds, and each trigger of any/all)
//	rollback.triggers[i].name               derived: "error_rate above 5%", "any(p99 above 3x, ...)", "probe /readyz", "at 10s"
//	rollback.triggers[i].probe.service      load.target
//	rollback.triggers[i].probe.interval     1s
//	rollback.triggers[i].probe.timeout      the probe's interval
//	rollback.approval.timeout               5m (when approval is set)
//	rollback.healFaults                     after (the plan runs under the active faults)
//	rollback.plan                           redeploy-previous of every service the timeline deploys, last deployed first (when there are triggers)
//	rollback.plan[i].method                 POST for flag, GET for http
//	rollback.plan[i].timeout                30s for flag, command, http and migrate-down (redeploy, restore, stop and start: bounded by the
//	                                        start timeout; an http action with until: each request)
//	rollback.plan[i].snapshot               the service's name (restore-snapshot)
//	rollback.plan[i].version                none: start starts the version the service ran last, restore-snapshot the one it runs
//	rollback.plan[i].until.interval         500ms (http with until)
//	rollback.plan[i].until.timeout          30s (http with until)
//	timeline[i].action.*                    as rollback.plan[i]
//	verify.durability.concurrency           16 (when read is set)
//	verify.duplicates.field                 applied (when read is set)
//	verify.duplicates.concurrency           16 (when read is set)
//	verify.linearizability.timeout          30s (when a load stream has keys)
//
// A zero passScore or toxicity therefore means the default, not zero. Each
// service's Name is set from its key in system.services.
//
// # Expansions
//
// Service commands, env values and dirs may use ${port}, ${addr},
// ${data_dir} (with dataDir), ${service}, ${version}, ${link.NAME} and the
// scenario's vars. Rollback actions (in the plan or as timeline steps) may
// use, in command, env, dir, url, body, database and header values: the
// scenario's vars, ${link.NAME}, ${addr.SERVICE}, ${data_dir.SERVICE} and,
// for an action that names its service, ${addr} and ${data_dir}. A load
// stream's header values may use the scenario's vars. An invariant's SQL
// dsn may use the same as actions, but for ${addr} and ${data_dir}. $$ is
// a literal $ everywhere.
//
// # Secrets
//
// A var whose name holds token, password, secret or key (in any case), or
// one listed under the top-level secrets, is a secret: its value (from the
// file or from --var) reaches the system under test, but the drill's
// records (the scenario copy, report.json and its renderings, the journal,
// log headers and faultdrill's own output) show *** instead.
package scenarios
