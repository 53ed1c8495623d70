package drill_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/moby/moby/client"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/testcontainers/testcontainers-go"

	"github.com/faultdrill/faultdrill/drill"
	"github.com/faultdrill/faultdrill/internal/perm"
	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/scenarios"
	"github.com/faultdrill/faultdrill/sut/docker"
	"github.com/faultdrill/faultdrill/verify"
)

// dockerFixture is the demo drill on containers.
var dockerFixture = filepath.Join("testdata", "ledger-docker.yaml")

var (
	// dockerOut holds the drill folders of this process's docker specs;
	// removeDockerDrills removes the Docker objects of each (by drill id,
	// its folder name).
	dockerOut string
)

// removeDockerDrills removes the Docker objects of this process's docker
// drills and their folders; the suite's SynchronizedAfterSuite calls it on
// every process.
func removeDockerDrills(ctx SpecContext) {
	if dockerOut != "" {
		entries, err := os.ReadDir(dockerOut)
		Expect(err).NotTo(HaveOccurred())
		for _, e := range entries {
			removed, err := docker.Cleanup(ctx, e.Name())
			if removed.Count() > 0 {
				fmt.Fprintf(GinkgoWriter, "cleanup %s: %+v\n", e.Name(), removed)
			}
			Expect(err).NotTo(HaveOccurred())
		}
		Expect(os.RemoveAll(dockerOut)).To(Succeed())
	}
}

// The specs run in parallel with each other and with the process drills;
// the images are built once for the suite, by the first spec that needs them.
var _ = Describe("the engine on the docker runtime", Label("docker"), func() {
	BeforeEach(func(ctx SpecContext) {
		if err := docker.Available(ctx); err != nil {
			Skip("no Docker engine: " + err.Error())
		}
		if dockerOut == "" {
			var err error
			dockerOut, err = os.MkdirTemp("", "faultdrill-docker-drills-")
			Expect(err).NotTo(HaveOccurred())
		}
		start := time.Now()
		Expect(shared.Once("docker-images", func() error {
			return docker.BuildImages(ctx, "..", GinkgoWriter)
		})).To(Succeed())
		AddReportEntry("images ready", time.Since(start).Round(time.Millisecond).String())
	}, NodeTimeout(10*time.Minute))

	It("runs the demo drill on containers: the trigger fires, v1 is redeployed, no acknowledged write is lost", func(ctx SpecContext) {
		sc, err := scenarios.Load(dockerFixture)
		Expect(err).NotTo(HaveOccurred(), "the fixture is a valid scenario")
		Expect(sc.System.Runtime).To(Equal("docker"))

		rep := runOnDocker(ctx, sc)
		Expect(rep.Drill.Runtime).To(Equal("docker"))
		// Same objectives as the process drill, and it passes them: no gate
		// fails, the score's included.
		for _, g := range rep.Outcome.Gates {
			Expect(g.State).NotTo(Equal(reports.GateFailed), "gate %s: %v", g.Name, g.Reasons)
		}
		Expect(rep.Status).To(Equal(reports.Passed), "score %d of pass mark %d", rep.Score.Value, rep.Score.PassScore)
		Expect(*rep.Measures.RTO).To(BeNumerically("<=", rep.Objectives.RTO))
		AddReportEntry("docker demo drill", fmt.Sprintf("%s, score %d, error budget part %.2f", rep.Status, rep.Score.Value,
			scorePart(rep, reports.PartErrorBudget)))

		// Where the seconds of each switch go: every stop and start of the
		// api is journalled with its phases.
		var switches []string
		for _, e := range journalEntries(rep.Drill.Dir) {
			if e.Kind != "sut.timing" || e.Fields["service"] != "api" {
				continue
			}
			switches = append(switches, e.Msg)
			switch e.Fields["op"] {
			case docker.OpStop:
				Expect(e.Fields).To(HaveKey(docker.PhaseTerm+"_ms"), e.Msg)
				Expect(e.Fields).To(HaveKey(docker.PhaseRemove+"_ms"), e.Msg)
			case docker.OpStart:
				Expect(e.Fields).To(HaveKey(docker.PhaseCreate+"_ms"), e.Msg)
				Expect(e.Fields).To(HaveKey(docker.PhaseHealth+"_ms"), e.Msg)
			}
		}
		// Started, then v1 → v2 and v2 → v1 (a stop and a start each),
		// then stopped at the end.
		Expect(switches).To(HaveLen(6), "%v", switches)
		AddReportEntry("docker demo drill switches", strings.Join(switches, "\n"))
		Expect(rep.Trigger).NotTo(BeNil())
		Expect(rep.Actions).To(HaveLen(1))
		Expect(rep.Actions[0]).To(And(HaveField("From", "v2"), HaveField("To", "v1"), HaveField("Error", "")))
		Expect(verifier(rep, verify.NameDurability).Verdict).To(Equal(verify.Success))
		Expect(verifier(rep, verify.NameDurability).Evidence["acknowledged"]).To(BeNumerically(">", 500))
		Expect(rep.Measures.LostWrites).To(HaveValue(BeZero()))

		Expect(journalOf(rep.Drill.Dir)).To(ContainSubstring("toxiproxy container at http://127.0.0.1:"))
		logs := filepath.Join(rep.Drill.Dir, "logs")
		Expect(readText(filepath.Join(logs, "api-v2.log"))).To(ContainSubstring(`defects="error-spike`))
		Expect(readText(filepath.Join(logs, "store-v1.log"))).To(ContainSubstring("ledger store stopped"))
		Expect(filepath.Join(logs, "toxiproxy.log")).To(BeARegularFile())
		Expect(labelledCount(ctx, rep.Drill.ID)).To(BeZero(), "the drill removed its containers, network and volume")
	}, SpecTimeout(3*time.Minute))

	It("detects a partition between the tiers with a trigger, and heals it", func(ctx SpecContext) {
		rep := runOnDocker(ctx, dockerScenario(`
load:
  target: api
  duration: 14s
  timeout: 3s
  streams:
    - name: writes
      rate: 50/s
      path: /entries/{id}
      body: '{"account":"acct-1","amount":1}'
      writes: true
timeline:
  - at: 3s
    partition:
      between: [api, store]
      duration: 4s
rollback:
  enabled: false
  triggers:
    - metric: error_rate
      above: 20%
      for: 1s
verify:
  durability:
    read: GET /entries/{id}
`))
		Expect(rep.Faults).To(HaveLen(1))
		cut := rep.Faults[0]
		Expect(cut.Kind).To(Equal("partition/blackhole"))
		Expect(cut.Link).To(Equal("api-to-store"))
		Expect(cut.End).NotTo(BeNil(), "healed")
		Expect(*cut.End - cut.Start).To(BeNumerically("~", 4*time.Second, time.Second))

		Expect(rep.Trigger).NotTo(BeNil(), "a trigger caught the partition")
		Expect(rep.Phases.TriggerFired).NotTo(BeNil())
		Expect(*rep.Phases.TriggerFired).To(BeNumerically(">", cut.Start))
		Expect(*rep.Phases.TriggerFired).To(BeNumerically("<", *cut.End+4*time.Second))

		ops := opsOf(rep)
		Expect(writesBetween(ops, cut.Start, *cut.End-3*time.Second)).To(HaveField("Acknowledged", 0),
			"no write is acknowledged while the store is cut off")
		after := writesBetween(ops, *cut.End+2*time.Second, *rep.Phases.LoadEnd-time.Second)
		Expect(after.All).To(BeNumerically(">", 50))
		Expect(after.Acknowledged).To(BeNumerically(">=", after.All*9/10), "writes go through once healed")
		Expect(verifier(rep, verify.NameHealth).Verdict).To(Equal(verify.Success))
		Expect(verifier(rep, verify.NameDurability).Verdict).To(Equal(verify.Success))
	}, SpecTimeout(2*time.Minute))

	It("pause and kill of the store fail writes while active; the store is healthy after each heal", func(ctx SpecContext) {
		rep := runOnDocker(ctx, dockerScenario(`
load:
  target: api
  duration: 24s
  timeout: 3s
  streams:
    - name: writes
      rate: 50/s
      path: /entries/{id}
      body: '{"account":"acct-1","amount":1}'
      writes: true
timeline:
  - at: 2s
    inject:
      kind: pause
      service: store
      duration: 4s
  - at: 12s
    inject:
      kind: kill
      service: store
      duration: 3s
rollback:
  enabled: false
  triggers:
    - metric: error_rate
      above: 20%
      for: 1s
verify:
  durability:
    read: GET /entries/{id}
`))
		Expect(rep.Faults).To(HaveLen(2))
		ops := opsOf(rep)
		for i, f := range rep.Faults {
			Expect(f.End).NotTo(BeNil(), "%s healed", f.Name)
			during := writesBetween(ops, f.Start, *f.End-3*time.Second)
			Expect(during.All).To(BeNumerically(">", 10), f.Name)
			Expect(during.Acknowledged).To(BeZero(), "no write is acknowledged during the %s", f.Kind)
			until := *rep.Phases.LoadEnd - time.Second
			if i+1 < len(rep.Faults) {
				// The next fault's start is taken once it is in place.
				until = rep.Faults[i+1].Start - 2*time.Second
			}
			// Wait on a condition, not a fixed time: from the first write
			// acknowledged after the heal, writes go through.
			back, ok := firstAcknowledgedWrite(ops, *f.End)
			Expect(ok).To(BeTrue(), "a write is acknowledged again after the %s is healed", f.Kind)
			Expect(back).To(BeNumerically("<", until), "writes came back before the next fault or the end of the load")
			after := writesBetween(ops, back, until)
			Expect(after.All).To(BeNumerically(">", 10), f.Name)
			Expect(after.Acknowledged).To(BeNumerically(">=", after.All*9/10), "writes go through once the %s is healed", f.Kind)
		}
		Expect(rep.Faults[0].Kind).To(Equal("pause"))
		Expect(rep.Faults[1].Kind).To(Equal("kill"))
		Expect(journalOf(rep.Drill.Dir)).To(And(ContainSubstring("sut.paused"), ContainSubstring("sut.killed")))
		Expect(verifier(rep, verify.NameHealth).Verdict).To(Equal(verify.Success))
		Expect(verifier(rep, verify.NameDurability).Verdict).To(Equal(verify.Success), "a SIGKILL loses no acknowledged write")
	}, SpecTimeout(2*time.Minute))

	It("keeps the store's volume across a version switch: every write of v1 reads back from v1b", func(ctx SpecContext) {
		rep := runOnDocker(ctx, dockerScenario(`
load:
  target: api
  duration: 9s
  timeout: 3s
  streams:
    - name: writes
      rate: 50/s
      path: /entries/{id}
      body: '{"account":"acct-1","amount":1}'
      writes: true
timeline:
  - at: 3s
    deploy:
      service: store
      version: v1b
rollback:
  enabled: false
  triggers:
    - metric: error_rate
      above: 50%
      for: 3s
verify:
  durability:
    read: GET /entries/{id}
`))
		Expect(rep.Deploys).To(HaveLen(1))
		d := rep.Deploys[0]
		Expect(d).To(And(HaveField("Service", "store"), HaveField("From", "v1"), HaveField("To", "v1b"), HaveField("Error", "")))
		Expect(writesBetween(opsOf(rep), 0, d.Start).Acknowledged).To(BeNumerically(">", 50), "writes acknowledged by v1")
		dur := verifier(rep, verify.NameDurability)
		Expect(dur.Verdict).To(Equal(verify.Success), dur.Summary)
		Expect(rep.Measures.LostWrites).To(HaveValue(BeZero()))
		Expect(readText(filepath.Join(rep.Drill.Dir, "logs", "store-v1b.log"))).To(ContainSubstring("version=v1b"))
	}, SpecTimeout(2*time.Minute))

	It("snapshots the store's volume, restores it in a rollback, and digests it the same way twice", func(ctx SpecContext) {
		rep := runOnDocker(ctx, dockerScenario(`
load:
  target: api
  duration: 16s
  timeout: 3s
  streams:
    - name: writes
      rate: 50/s
      path: /entries/{id}
      body: '{"account":"acct-1","amount":1}'
      writes: true
timeline:
  - at: 2s
    snapshot:
      service: store
      name: before
  - at: 6s
    deploy:
      service: api
      version: v2
rollback:
  verifyIdempotent: true
  triggers:
    - metric: error_rate
      above: 5%
      for: 2s
  plan:
    - action: redeploy-previous
      service: api
    - action: restore-snapshot
      service: store
      snapshot: before
      # Run again, it would drop the writes made since the rollback: the
      # idempotency check then only digests the volume twice.
      idempotent: false
verify:
  durability:
    read: GET /entries/{id}
`))
		snap := filepath.Join(rep.Drill.Dir, "snapshots", "before")
		Expect(filepath.Join(snap, "manifest.json")).To(BeARegularFile())
		Expect(filepath.Join(snap, "data", "ledger.db")).To(BeARegularFile())
		Expect(rep.Actions).To(HaveLen(2))
		Expect(rep.Actions[1]).To(And(HaveField("Action", rollback.RestoreSnapshot), HaveField("Error", "")))
		Expect(journalOf(rep.Drill.Dir)).To(And(ContainSubstring(`"snapshot.taken"`), ContainSubstring(`"snapshot.restored"`)))

		idem := verifier(rep, "rollback-idempotent")
		Expect(idem.Verdict).To(Equal(verify.Success), idem.Summary)
		Expect(idem.Evidence["firstDigest"]).To(MatchRegexp(`^store=\S+$`), "a digest of the volume's copy")
		Expect(idem.Evidence["secondDigest"]).To(Equal(idem.Evidence["firstDigest"]), "two copies of the same volume")
		dur := verifier(rep, verify.NameDurability)
		Expect(dur.Verdict).To(Equal(verify.Success), dur.Summary)
		Expect(writesBetween(opsOf(rep), 0, 2*time.Second+*rep.Phases.LoadStart).Acknowledged).To(BeNumerically(">", 50),
			"writes before the snapshot, which the restore keeps")
		Expect(verifier(rep, verify.NameHealth).Verdict).To(Equal(verify.Success))
	}, SpecTimeout(2*time.Minute))

	// killedDrill starts faultdrill run on containers, SIGKILLs it once a
	// fault is in, and returns the drills folder, the drill folder and id.
	killedDrill := func(ctx SpecContext) (out, dir, id string) {
		GinkgoHelper()
		out = GinkgoT().TempDir()
		scenario := writeScenario(dockerTail(`
load:
  target: api
  duration: 2m
  streams:
    - name: writes
      rate: 20/s
      path: /entries/{id}
      body: '{"account":"acct-1","amount":1}'
      writes: true
timeline:
  - at: 1s
    partition:
      between: [api, store]
rollback:
  enabled: false
  triggers:
    - metric: error_rate
      above: 50%
      for: 3s
`))
		run := exec.CommandContext(ctx, faultdrillBin(ctx), "run", "--quiet", "--out", out, scenario)
		var stderr syncBuffer
		run.Stdout, run.Stderr = GinkgoWriter, io.MultiWriter(GinkgoWriter, &stderr)
		Expect(run.Start()).To(Succeed())
		DeferCleanup(func() { _ = run.Process.Kill() })
		Eventually(func(g Gomega) {
			dirs, _ := filepath.Glob(filepath.Join(out, "*-*")) // drill folders, not the latest link
			g.Expect(dirs).To(HaveLen(1))
			dir = dirs[0]
			g.Expect(journalOf(dir)).To(ContainSubstring(`"fault.inject"`))
		}).WithTimeout(90 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())
		id = filepath.Base(dir)
		DeferCleanup(func(ctx SpecContext) { _, _ = docker.Cleanup(ctx, id) }) // should this spec fail
		Expect(run.Process.Signal(syscall.SIGKILL)).To(Succeed())
		Expect(run.Wait()).To(HaveOccurred())
		Expect(stderr.String()).NotTo(ContainSubstring("Connected to docker"), "testcontainers' banner is kept off stderr")
		Expect(os.ReadFile(filepath.Join(dir, drill.BuildLogFile))).To(ContainSubstring("docker engine "), "the engine is named in the drill's build log")
		Expect(labelledCount(ctx, id)).To(BeNumerically(">=", 5), "the dead drill left its 3 containers, network and volume")

		return out, dir, id
	}

	It("leaves no labelled container, network or volume after SIGKILL of faultdrill run and faultdrill cleanup, and keeps the data", func(ctx SpecContext) {
		out, dir, id := killedDrill(ctx)
		code, stdout, stderr := runCLI(ctx, nil, "cleanup", out)
		Expect(code).To(Equal(0), stdout+stderr)
		Expect(stdout).To(And(
			ContainSubstring(id+": reverted "),
			ContainSubstring(id+": copied volume faultdrill-"+id+"-store-data to "+filepath.Join(dir, "data", "store")),
			ContainSubstring(id+": removed container faultdrill-"+id+"-store"),
			ContainSubstring(id+": removed container faultdrill-"+id+"-toxiproxy"),
			ContainSubstring(id+": removed network faultdrill-"+id),
			ContainSubstring(id+": removed volume faultdrill-"+id+"-store-data"),
		))
		Expect(labelledCount(ctx, id)).To(BeZero())
		Expect(stdout).To(ContainSubstring("1 report(s) rebuilt"))
		rep, err := reports.Read(filepath.Join(dir, reports.FileName))
		Expect(err).NotTo(HaveOccurred(), "the killed drill's report, rebuilt from its journal and history")
		Expect(rep.Status).To(Equal(reports.Killed))
		db, err := os.Stat(filepath.Join(dir, "data", "store", "ledger.db"))
		Expect(err).NotTo(HaveOccurred(), "the store's database is evidence, copied out of its volume")
		Expect(db.Size()).To(BeNumerically(">", 0))
		Expect(db.Mode().Perm()).To(Equal(perm.File))

		code, stdout, _ = runCLI(ctx, nil, "cleanup", out)
		Expect(code).To(Equal(0))
		Expect(stdout).To(ContainSubstring("0 fault(s) reverted, 0 process group(s) resumed, 0 killed, 0 report(s) rebuilt, 0 docker object(s) removed"))
		Expect(filepath.Join(dir, "data", "store", "ledger.db")).To(BeARegularFile(), "a second cleanup keeps it")
	}, SpecTimeout(3*time.Minute))

	It("removes the volume without a copy with cleanup --purge", func(ctx SpecContext) {
		out, dir, id := killedDrill(ctx)
		code, stdout, stderr := runCLI(ctx, nil, "cleanup", "--purge", out)
		Expect(code).To(Equal(0), stdout+stderr)
		Expect(stdout).To(ContainSubstring(id + ": removed volume faultdrill-" + id + "-store-data"))
		Expect(stdout).NotTo(ContainSubstring("copied volume"))
		Expect(labelledCount(ctx, id)).To(BeZero())
		Expect(filepath.Join(dir, "data")).NotTo(BeAnExistingFile())
	}, SpecTimeout(3*time.Minute))
})

var _ = Describe("the docker runtime when the engine does not answer", func() {
	It("exits 2 with one sentence naming the socket tried, before anything starts", func(ctx SpecContext) {
		sock := halfEngine()
		out := filepath.Join(GinkgoT().TempDir(), "drills")
		// A scenario for the process runtime, run on docker by --runtime.
		onProcess := strings.Replace(readText(dockerFixture), "runtime: docker", "runtime: process", 1)
		code, stdout, stderr := runCLI(ctx, []string{"DOCKER_HOST=unix://" + sock},
			"run", "--quiet", "--runtime", "docker", "--out", out, writeScenario(onProcess))
		Expect(code).To(Equal(2), stdout+stderr)
		last := stderr[strings.LastIndex(strings.TrimSpace(stderr), "\n")+1:]
		Expect(last).To(HavePrefix("faultdrill run: drill: docker: no Docker engine answered"))
		Expect(last).To(ContainSubstring("DOCKER_HOST=unix://" + sock))
		Expect(last).To(ContainSubstring("use runtime: process"))
		Expect(out).NotTo(BeAnExistingFile(), "no drill folder: nothing started")
	}, SpecTimeout(3*time.Minute))
})

// runOnDocker runs a drill on the docker runtime, into dockerOut.
func runOnDocker(ctx context.Context, sc *scenarios.Scenario) *reports.Report {
	GinkgoHelper()
	rep, err := drill.Run(ctx, sc, drill.Options{OutDir: dockerOut, Seed: 11})
	Expect(rep).NotTo(BeNil(), "%v", err)
	Expect(err).NotTo(HaveOccurred())
	Expect(rep.Drill.Runtime).To(Equal("docker"))
	return rep
}

// dockerTail is the fixture's apiVersion, metadata, objectives and system,
// followed by tail (load, timeline, rollback and verify).
func dockerTail(tail string) string {
	GinkgoHelper()
	src := readText(dockerFixture)
	i := strings.Index(src, "\nload:")
	Expect(i).To(BeNumerically(">", 0), "the fixture has a load: section")
	return src[:i+1] + strings.TrimPrefix(tail, "\n")
}

// dockerScenario loads the fixture's system with tail for the rest.
func dockerScenario(tail string) *scenarios.Scenario {
	GinkgoHelper()
	sc, err := scenarios.Load(writeScenario(dockerTail(tail)))
	Expect(err).NotTo(HaveOccurred())
	return sc
}

func writeScenario(src string) string {
	GinkgoHelper()
	path := filepath.Join(GinkgoT().TempDir(), "ledger-docker.yaml")
	Expect(os.WriteFile(path, []byte(src), 0o644)).To(Succeed())
	return path
}

// writeCounts counts the writes that started in a stretch of the drill.
type writeCounts struct{ All, Acknowledged int }

func writesBetween(ops []load.Op, from, to time.Duration) writeCounts {
	var c writeCounts
	for _, op := range ops {
		if op.Write && op.Start >= from && op.Start < to {
			c.All++
			if op.Outcome == load.Acknowledged {
				c.Acknowledged++
			}
		}
	}
	return c
}

// scorePart returns the value of the named part of the score.
func scorePart(rep *reports.Report, name string) float64 {
	for _, c := range rep.Score.Components {
		if c.Name == name {
			return c.Value
		}
	}
	return -1
}

// firstAcknowledgedWrite returns the start of the first acknowledged write
// that started at or after from.
func firstAcknowledgedWrite(ops []load.Op, from time.Duration) (time.Duration, bool) {
	first, found := time.Duration(0), false
	for _, op := range ops {
		if op.Write && op.Outcome == load.Acknowledged && op.Start >= from && (!found || op.Start < first) {
			first, found = op.Start, true
		}
	}
	return first, found
}

// opsOf reads the operations the drill recorded.
func opsOf(rep *reports.Report) []load.Op {
	GinkgoHelper()
	f, err := os.Open(filepath.Join(rep.Drill.Dir, drill.HistoryFile))
	Expect(err).NotTo(HaveOccurred())
	defer f.Close()
	h, err := load.ReadHistory(f)
	Expect(err).NotTo(HaveOccurred())
	return h.Ops
}

func readText(path string) string {
	GinkgoHelper()
	b, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	return string(b)
}

func journalOf(dir string) string {
	b, _ := os.ReadFile(filepath.Join(dir, drill.JournalFile))
	return string(b)
}

// labelledCount counts the containers, networks and volumes labelled with the
// drill id, as the engine sees them.
func labelledCount(ctx context.Context, drillID string) (int, error) {
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		return 0, err
	}
	defer cli.Close()
	f := make(client.Filters).Add("label", docker.LabelDrill+"="+drillID)
	cs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return 0, err
	}
	ns, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		return 0, err
	}
	vs, err := cli.VolumeList(ctx, client.VolumeListOptions{Filters: f})
	if err != nil {
		return 0, err
	}
	return len(cs.Items) + len(ns.Items) + len(vs.Items), nil
}

// faultdrillBin builds the faultdrill command once for the suite.
func faultdrillBin(context.Context) string {
	GinkgoHelper()
	bin, err := shared.Binary("github.com/faultdrill/faultdrill/cmd/faultdrill")
	Expect(err).NotTo(HaveOccurred())
	return bin
}

// runCLI runs faultdrill with extra environment variables and returns
// its exit code and output.
func runCLI(ctx context.Context, env []string, args ...string) (int, string, string) {
	GinkgoHelper()
	cmd := exec.CommandContext(ctx, faultdrillBin(ctx), args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		Fail("faultdrill did not run: " + err.Error())
	}
	return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
}

// halfEngine serves, on a unix socket, an engine that answers Docker's
// info but fails every ping: testcontainers picks it (it does not fall
// back to the default socket), and the engine check then fails. It returns
// the socket's path; the server stops after the spec.
func halfEngine() string {
	GinkgoHelper()
	dir, err := os.MkdirTemp("", "fd-sock-") // short: socket paths are limited to 108 bytes
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(os.RemoveAll, dir)
	sock := filepath.Join(dir, "docker.sock")
	ln, err := net.Listen("unix", sock)
	Expect(err).NotTo(HaveOccurred())
	srv := &http.Server{ReadHeaderTimeout: time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/info") {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte("{}"))
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable)
	})}
	go func() { _ = srv.Serve(ln) }()
	DeferCleanup(srv.Close)
	return sock
}

// syncBuffer is a bytes.Buffer safe for a process's writes and a spec's
// reads at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
