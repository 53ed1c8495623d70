package boundedread_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestBoundedread(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "boundedread")
}
