package runbook_test

import (
	"errors"
	"testing"

	"github.com/faultdrill/faultdrill/runbook"
)

// FuzzParse checks that no runbook makes Parse panic, and that it either
// finds steps, numbered from 1 with a line each, or gives Problems.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"# R\n1. A\n2. B <!-- role: x; expect: 1m -->\n",
		"---\nrole: a\nexpect: 30s\n---\n# R\n- [ ] A\n  ```sh\n  true\n  ```\n",
		"# R\n1. A\n   ```faultdrill\n   action: http\n   url: /x\n   ```\n",
		"---\nrole: [\n",
		"1. <!-- expect: -1s -->\n",
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		rb, err := runbook.Parse("f.md", src)
		if err != nil {
			var problems runbook.Problems
			if !errors.As(err, &problems) || len(problems) == 0 {
				t.Fatalf("error %v is not Problems", err)
			}
			for _, p := range problems {
				if p.Line < 1 {
					t.Fatalf("problem without a line: %v", p)
				}
			}
			return
		}
		for i, s := range rb.Steps {
			if s.Number != i+1 || s.Line < 1 || s.Title == "" {
				t.Fatalf("bad step %+v", s)
			}
		}
	})
}
