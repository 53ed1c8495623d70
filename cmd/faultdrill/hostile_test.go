package main

import (
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("hostile input to the CLI", func() {
	It("refuses /dev/zero with one line and exit 2", func(ctx SpecContext) {
		code, _, errOut := cli(ctx, "validate", "/dev/zero")
		Expect(code).To(Equal(exitInvalid))
		Expect(errOut).To(Equal("/dev/zero:1:1: the file is larger than 256 KiB, the limit for a scenario; trim it (a scenario needs a few KiB)\n"))
	})

	It("refuses the 30,000-deep repro with one line and exit 2", func(ctx SpecContext) {
		path := writeFile("d.yaml", "apiVersion: faultdrill/v1\nvars: {x: "+strings.Repeat("[", 30000)+strings.Repeat("]", 30000)+"}\n")
		code, _, errOut := cli(ctx, "validate", path)
		Expect(code).To(Equal(exitInvalid))
		Expect(errOut).To(Equal(path + ":2:73: the YAML here nests deeper than 64 levels, the limit for a scenario; flatten this value\n"))
	})

	It("escapes control characters and RTL overrides it echoes", func(ctx SpecContext) {
		path := writeFile("evil\x1b[2J\u202e.yaml", "apiVersion: faultdrill/v1\n")
		_, _, errOut := cli(ctx, "validate", path)
		Expect(errOut).NotTo(ContainSubstring("\x1b"))
		Expect(errOut).NotTo(ContainSubstring("\u202e"))
		Expect(errOut).To(ContainSubstring(`evil\x1b[2J\u202e.yaml`))
	})

	It("refuses an --out that is a file, with exit 2 and no folder written", func(ctx SpecContext) {
		file := writeFile("not-a-folder", "x")
		code, _, errOut := cli(ctx, "run", "--quiet", "--out", file, example)
		Expect(code).To(Equal(exitInvalid))
		Expect(errOut).To(ContainSubstring("is a file, not a folder"))
		code, _, _ = cli(ctx, "run", "--quiet", "--out", filepath.Join(file, "sub"), example)
		Expect(code).To(Equal(exitInvalid))
	})

	It("refuses an unwritable --out folder with exit 2", func(ctx SpecContext) {
		if os.Geteuid() == 0 {
			Skip("root writes to any folder")
		}
		dir := filepath.Join(GinkgoT().TempDir(), "ro")
		Expect(os.Mkdir(dir, 0o500)).To(Succeed())
		code, _, errOut := cli(ctx, "run", "--quiet", "--out", filepath.Join(dir, "drills"), example)
		Expect(code).To(Equal(exitInvalid))
		Expect(errOut).To(ContainSubstring("is not writable"))
		Expect(os.ReadDir(dir)).To(BeEmpty())
	})

	It("refuses --runtime docker on a process scenario before any folder is written", func(ctx SpecContext) {
		out := filepath.Join(GinkgoT().TempDir(), "drills")
		code, _, errOut := cli(ctx, "run", "--quiet", "--runtime", "docker", "--out", out, example)
		Expect(code).To(Equal(exitInvalid))
		Expect(errOut).To(ContainSubstring("no image; the docker runtime needs image"))
		Expect(out).NotTo(BeADirectory())
	})
})
