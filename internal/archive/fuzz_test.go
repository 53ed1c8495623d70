package archive_test

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/faultdrill/faultdrill/internal/archive"
)

// FuzzExtract checks that no archive, however malformed or hostile, makes
// Extract panic, hang or write anything outside its folder. Its seed
// corpus (testdata/fuzz/FuzzExtract plus the seeds below) runs under plain
// go test; fuzz with make fuzz, or:
//
//	go test ./internal/archive -run '^$' -fuzz '^FuzzExtract$' -fuzztime 20s
func FuzzExtract(f *testing.F) {
	for _, entries := range [][]*tar.Header{
		{{Name: "data/", Typeflag: tar.TypeDir}, {Name: "data/a.txt", Typeflag: tar.TypeReg, Size: 2}},
		{{Name: "data/escape", Typeflag: tar.TypeSymlink, Linkname: "/outside"}, {Name: "data/escape/pwned.txt", Typeflag: tar.TypeReg, Size: 2}},
		{{Name: "data/escape", Typeflag: tar.TypeSymlink, Linkname: "../../outside"}, {Name: "data/escape/pwned.txt", Typeflag: tar.TypeReg, Size: 2}},
		{{Name: "data/h", Typeflag: tar.TypeLink, Linkname: "../outside/x"}},
		{{Name: "data/../../outside/x", Typeflag: tar.TypeReg, Size: 2}},
		{{Name: "data/dev", Typeflag: tar.TypeChar, Devmajor: 1, Devminor: 3}},
	} {
		var b bytes.Buffer
		tw := tar.NewWriter(&b)
		for _, h := range entries {
			h.Mode = 0o777
			if err := tw.WriteHeader(h); err != nil {
				f.Fatal(err)
			}
			if h.Size > 0 {
				tw.Write(bytes.Repeat([]byte("x"), int(h.Size)))
			}
		}
		tw.Close()
		f.Add(b.Bytes())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		parent := t.TempDir()
		dest, outside := filepath.Join(parent, "dest"), filepath.Join(parent, "outside")
		for _, d := range []string{dest, outside} {
			if err := os.Mkdir(d, 0o700); err != nil {
				t.Fatal(err)
			}
		}
		_, _ = archive.Extract(bytes.NewReader(b), dest, archive.Options{Strip: 1, MaxBytes: 1 << 20})
		if got, _ := os.ReadDir(outside); len(got) > 0 {
			t.Fatalf("%s was written outside the folder", got[0].Name())
		}
		if got, _ := os.ReadDir(parent); len(got) != 2 {
			t.Fatalf("the parent folder holds %d entries, want dest and outside", len(got))
		}
	})
}
