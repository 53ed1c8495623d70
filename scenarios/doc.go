// Package scenarios is the drill scenario format: its Go types, strict YAML
// decoding with file:line:col errors, defaults, validation and JSON Schema.
//
// Load (or Parse) reads a scenario in three passes. First the YAML is parsed
// and checked against the Go types: unknown keys (with a "did you mean"),
// values of the wrong shape, and durations, rates and thresholds that do
// not parse. Then it is decoded, ApplyDefaults fills in what was left out,
// and validation checks what no single field shows: references between
// services, versions, links and faults, ranges, the order of the timeline,
// units of rollback thresholds. Each pass reports every problem it finds at
// once, as Problems: one "file:line:col: message" line each, saying what to
// do.
//
// # Defaults
//
// ApplyDefaults fills in these values when a field is left out (or zero):
//
//	field                                  default
//	system.runtime                         process
//	system.services.NAME.health            /healthz
//	system.services.NAME.startTimeout      10s
//	system.services.NAME.stopGrace         5s
//	objectives.rtoFrom                     rollback-start
//	objectives.passScore                   80
//	objectives.rpo                         0 (no acknowledged write may be lost)
//	objectives.slo.errorRate               1%
//	objectives.slo.p99                     none (no latency limit)
//	load.timeout                           2s
//	load.streams[i].method                 PUT if the stream writes, else GET
//	timeline[i].inject.name                KIND@LINK, such as latency@api-to-store
//	timeline[i].inject.direction           both
//	timeline[i].inject.toxicity            1 (every connection)
//	rollback.triggers[i].for               1s (one window)
//	rollback.triggers[i].name              "METRIC above|below X", such as "error_rate above 5%"
//	verify.durability.concurrency          16 (when read is set)
//
// A zero passScore or toxicity therefore means the default, not zero. Each
// service's Name is set from its key in system.services.
package scenarios
