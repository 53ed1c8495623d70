package scenarios_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/scenarios"
)

// memoryCap is the most any input may cost to refuse or accept.
const memoryCap = 64 << 20

// allocated runs f and returns the bytes allocated meanwhile: an upper
// bound on the peak heap f grew to.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// loadBounded loads path and checks that it fails with a single problem
// containing want, within memoryCap.
func loadBounded(path, want string) {
	GinkgoHelper()
	var err error
	n := allocated(func() { _, err = scenarios.Load(path) })
	AddReportEntry("allocated bytes: "+filepath.Base(path), n)
	Expect(err).To(MatchError(scenarios.ErrInvalid))
	Expect(strings.Count(err.Error(), "\n")).To(BeZero(), "one line: %v", err)
	Expect(err.Error()).To(ContainSubstring(want))
	Expect(n).To(BeNumerically("<", memoryCap))
}

func writeFile(name, content string) string {
	GinkgoHelper()
	path := filepath.Join(GinkgoT().TempDir(), name)
	Expect(os.WriteFile(path, []byte(content), 0o600)).To(Succeed())
	return path
}

func deepFlow(prefix string, depth int) string {
	return prefix + "vars: {x: " + strings.Repeat("[", depth) + strings.Repeat("]", depth) + "}\n"
}

var _ = Describe("hostile input", func() {
	const deep = "nests deeper than 64 levels, the limit for a scenario"
	const large = "larger than 256 KiB, the limit for a scenario"

	It("refuses the 30,000-deep repro (1.4 GB before) at its line, in bounded memory", func() {
		path := writeFile("d.yaml", deepFlow("apiVersion: faultdrill/v1\n", 30_000))
		loadBounded(path, "d.yaml:2:")
		loadBounded(path, deep)
	})

	It("refuses the 400 KB, 200,000-deep repro (23.6 GB before) by its size, in bounded memory", func() {
		loadBounded(writeFile("d.yaml", deepFlow("", 200_000)), "d.yaml:1:1: the file is "+large)
	})

	It("refuses deep nesting just under the size cap before parsing it", func() {
		loadBounded(writeFile("d.yaml", deepFlow("", 120_000)), deep)
	})

	It("refuses deep block nesting, by indentation and by '- - -'", func() {
		var b strings.Builder
		b.WriteString("vars:\n")
		for i := range 100 {
			b.WriteString(strings.Repeat(" ", i+1) + "k:\n")
		}
		loadBounded(writeFile("indent.yaml", b.String()), deep)
		loadBounded(writeFile("dash.yaml", "vars:\n  - "+strings.Repeat("- ", 20_000)+"y\n"), deep)
	})

	It("refuses /dev/zero after reading no more than the size cap", func() {
		if _, err := os.Stat("/dev/zero"); err != nil {
			Skip("no /dev/zero")
		}
		loadBounded("/dev/zero", "/dev/zero:1:1: the file is "+large)
	})

	It("refuses an endless pipe after reading no more than the size cap", func() {
		fifo := filepath.Join(GinkgoT().TempDir(), "pipe.yaml")
		Expect(syscall.Mkfifo(fifo, 0o600)).To(Succeed())
		go func() {
			defer GinkgoRecover()
			w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
			if err != nil {
				return
			}
			defer w.Close()
			buf := []byte(strings.Repeat("a: b\n", 1000))
			for {
				if _, err := w.Write(buf); err != nil {
					return // the reader gave up: what this spec wants
				}
			}
		}()
		loadBounded(fifo, large)
	})

	It("refuses more nodes than a scenario needs", func() {
		var b strings.Builder
		b.WriteString("vars:\n")
		for i := range 12_000 {
			fmt.Fprintf(&b, "  k%d: v\n", i)
		}
		loadBounded(writeFile("nodes.yaml", b.String()), "more than 10000 YAML nodes")
		loadBounded(writeFile("flat.yaml", "vars: {x: ["+strings.Repeat("1,", 20_000)+"1]}\n"), "more than 10000 YAML nodes")
	})

	It("refuses aliases past the limit, so aliases of aliases cannot multiply", func() {
		var b strings.Builder
		b.WriteString("vars:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
		for i := 1; i < 12; i++ {
			refs := strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 10), ", ")
			fmt.Fprintf(&b, "  a%d: &a%d [%s]\n", i, i, refs)
		}
		loadBounded(writeFile("laughs.yaml", b.String()), "more than 100 aliases")
	})

	It("still reads block scalars, quotes and comments holding brackets", func() {
		_, err := scenarios.Parse("s.yaml", []byte(strings.Replace(base, "metadata: {name: t}",
			"metadata:\n  name: t\n  description: |\n    [[[[[[ {{{{ ]]]\n  owner: \"[[[[ # ]\" # [[[[\n", 1)))
		Expect(err).NotTo(HaveOccurred())
	})
})

var _ = Describe("names", func() {
	long := strings.Repeat("a", 64)
	DescribeTable("are limited to 63 printable characters, reported at file:line:col",
		func(from, to, want string) {
			_, err := scenarios.Parse("s.yaml", []byte(strings.Replace(base, from, to, 1)))
			Expect(err).To(MatchError(scenarios.ErrInvalid))
			Expect(strings.Split(err.Error(), "\n")).To(ContainElement(want))
		},
		Entry("a long scenario name", "{name: t}", "{name: "+long+"}",
			"s.yaml:2:18: metadata.name: the name is 64 characters long; keep names to 63 or fewer"),
		Entry("an escape sequence in the scenario name", "{name: t}", `{name: "t\e[2J"}`,
			`s.yaml:2:18: metadata.name: "t\x1b[2J" holds a control or invisible character (U+001B); names may only hold printable characters`),
		Entry("a right-to-left override in a stream name", "{name: reads,", "{name: \"re\u202eads\",",
			`s.yaml:13:14: load.streams[0].name: "re\u202eads" holds a control or invisible character (U+202E); names may only hold printable characters`),
		Entry("a slash in the scenario name", "{name: t}", "{name: a/b}",
			`s.yaml:2:18: metadata.name: "a/b" would not be safe in a file name, and drill folders are named after it; use letters, digits and "-", such as checkout-bad-release`),
		Entry("a long service name", "    api:\n", "    "+long+":\n",
			`s.yaml:5:5: system.services.`+long+`: service name "`+long+`" may only use letters, digits, "-", "_" and ".", starting with a letter or digit, up to 63 characters`),
	)
	It("accepts a name of exactly 63 characters", func() {
		_, err := scenarios.Parse("s.yaml", []byte(strings.Replace(base, "{name: t}", "{name: "+long[1:]+"}", 1)))
		Expect(err).NotTo(HaveOccurred())
	})
})
