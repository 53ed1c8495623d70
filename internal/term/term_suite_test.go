package term_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestTerm(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "term")
}
