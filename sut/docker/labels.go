package docker

import (
	"strings"

	"github.com/moby/moby/client"
)

// Labels put on everything the runtime creates. Cleanup finds leftovers by
// them.
const (
	// LabelManaged is set to "true" on every container, network, volume and
	// built image of a drill.
	LabelManaged = "faultdrill"
	// LabelDrill holds the drill id.
	LabelDrill = "faultdrill.drill"
	// LabelService holds the service name (containers and volumes).
	LabelService = "faultdrill.service"
	// LabelVersion holds the service version (containers and built images).
	LabelVersion = "faultdrill.version"
	// LabelRole says what a container is: RoleService, RoleToxiproxy or
	// RoleHelper.
	LabelRole = "faultdrill.role"
	// LabelDemo marks the demo images of BuildImages. They are shared by
	// every drill, so they carry no LabelManaged and Cleanup keeps them.
	LabelDemo = "faultdrill.demo"
)

// Values of LabelRole.
const (
	RoleService   = "service"
	RoleToxiproxy = "toxiproxy"
	RoleHelper    = "helper"
)

// drillLabels are the labels of everything a drill creates.
func drillLabels(drillID string, extra ...string) map[string]string {
	l := map[string]string{LabelManaged: "true", LabelDrill: drillID}
	for i := 0; i+1 < len(extra); i += 2 {
		l[extra[i]] = extra[i+1]
	}
	return l
}

// drillFilter selects the resources of one drill, or of every drill when
// drillID is empty.
func drillFilter(drillID string) client.Filters {
	if drillID == "" {
		return make(client.Filters).Add("label", LabelManaged+"=true")
	}
	return make(client.Filters).Add("label", LabelDrill+"="+drillID)
}

// networkName is the name of a drill's network.
func networkName(drillID string) string { return "faultdrill-" + drillID }

// volumeName is the name of a service's data volume.
func volumeName(drillID, service string) string {
	return "faultdrill-" + drillID + "-" + service + "-data"
}

// containerName is the name of a service's container.
func containerName(drillID, service string) string {
	return "faultdrill-" + drillID + "-" + service
}

// buildRef is the repo:tag of an image built for one version of a service.
// Repositories are lowercase; the drill id keeps drills apart.
func buildRef(drillID, service, version string) string {
	tag := strings.ToLower(drillID + "-" + version)
	if len(tag) > 128 {
		tag = tag[:128]
	}
	return "faultdrill-build/" + repoComponent(service) + ":" + tag
}

// repoComponent turns a name into a valid repository path component:
// lowercase letters and digits separated by single dashes.
func repoComponent(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return "service"
	}
	return b.String()
}
