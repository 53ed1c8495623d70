package scenarios

import (
	"fmt"
	"time"

	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/sut"
)

// The default values; doc.go lists them in one table.
const (
	defaultRuntime        = "process"
	defaultRTOFrom        = "rollback-start"
	defaultPassScore      = 80
	defaultLoadTimeout    = 2 * time.Second
	defaultHealth         = "/healthz"
	defaultStartTimeout   = 10 * time.Second
	defaultStopGrace      = 5 * time.Second
	defaultDirection      = faults.Both
	defaultToxicity       = 1.0
	defaultTriggerFor     = time.Second
	defaultReadConcurrent = 16
)

// ApplyDefaults fills every field left empty with its default (see the
// table in the package documentation) and sets each service's Name from its
// key. It is idempotent: applying it twice changes nothing more.
func (s *Scenario) ApplyDefaults() {
	if s.System.Runtime == "" {
		s.System.Runtime = defaultRuntime
	}
	if s.Objectives.RTOFrom == "" {
		s.Objectives.RTOFrom = defaultRTOFrom
	}
	if s.Objectives.PassScore == 0 {
		s.Objectives.PassScore = defaultPassScore
	}
	if s.Objectives.SLO.ErrorRate.Unit == "" {
		s.Objectives.SLO.ErrorRate = defaultSLOErrorRate()
	}
	for name, svc := range s.System.Services {
		s.System.Services[name] = serviceDefaults(name, svc)
	}
	loadDefaults(&s.Load)
	for i := range s.Timeline {
		if f := s.Timeline[i].Inject; f != nil {
			faultDefaults(f)
		}
	}
	for i := range s.Rollback.Triggers {
		triggerDefaults(&s.Rollback.Triggers[i])
	}
	if d := &s.Verify.Durability; d.Read != "" && d.Concurrency == 0 {
		d.Concurrency = defaultReadConcurrent
	}
}

// defaultSLOErrorRate is the error rate a window may have and still meet
// the SLO: 1%.
func defaultSLOErrorRate() rollback.Threshold {
	var t rollback.Threshold
	_ = t.UnmarshalText([]byte("1%")) // a constant that parses
	return t
}

// serviceDefaults returns svc, named name, with its defaults filled in.
func serviceDefaults(name string, svc sut.ServiceSpec) sut.ServiceSpec {
	svc.Name = name
	if svc.Health == "" {
		svc.Health = defaultHealth
	}
	if svc.StartTimeout == 0 {
		svc.StartTimeout = defaultStartTimeout
	}
	if svc.StopGrace == 0 {
		svc.StopGrace = defaultStopGrace
	}
	return svc
}

// loadDefaults fills in the load's request timeout and stream methods.
func loadDefaults(l *LoadSpec) {
	if l.Timeout == 0 {
		l.Timeout = defaultLoadTimeout
	}
	for i := range l.Streams {
		st := &l.Streams[i]
		if st.Method != "" {
			continue
		}
		st.Method = "GET"
		if st.Writes {
			st.Method = "PUT"
		}
	}
}

// faultDefaults fills in a fault's name, direction and toxicity.
func faultDefaults(f *faults.Spec) {
	if f.Name == "" && f.Kind != "" && f.Link != "" {
		f.Name = FaultName(f.Kind, f.Link)
	}
	if f.Direction == "" {
		f.Direction = defaultDirection
	}
	if f.Toxicity == 0 {
		f.Toxicity = defaultToxicity
	}
}

// triggerDefaults fills in a trigger's window count and name.
func triggerDefaults(t *rollback.TriggerSpec) {
	if t.For == 0 {
		t.For = defaultTriggerFor
	}
	if t.Name != "" || t.Metric == "" {
		return
	}
	switch {
	case t.Above != nil && t.Below == nil:
		t.Name = fmt.Sprintf("%s above %s", t.Metric, t.Above)
	case t.Below != nil && t.Above == nil:
		t.Name = fmt.Sprintf("%s below %s", t.Metric, t.Below)
	}
}

// FaultName is the name a fault gets when the scenario gives it none:
// "KIND@LINK", such as "latency@api-to-store".
func FaultName(kind faults.Kind, link string) string {
	return string(kind) + "@" + link
}
