package scenarios

import (
	"path"

	"github.com/faultdrill/faultdrill/sut"
)

// dockerToxiproxyAlias is the name the docker runtime gives its toxiproxy
// container on the drill network (sut/docker.ToxiproxyAlias).
const dockerToxiproxyAlias = "toxiproxy"

// dockerService checks what the docker runtime needs of a service: a name
// free on the drill network, and one container port for every version
// (its callers dial that port whatever version runs).
func (v *validator) dockerService(p fieldPath, svc sut.ServiceSpec) {
	if svc.Name == dockerToxiproxyAlias {
		v.addf(p, "the docker runtime names its toxiproxy container %q on the drill network; give the service another name", dockerToxiproxyAlias)
	}
	first := ""
	for _, name := range sortedKeys(svc.Versions) {
		port := svc.Versions[name].Port
		switch {
		case port < 1 || port > 65535:
		case first == "":
			first = name
		case port != svc.Versions[first].Port:
			v.addf(p.key("versions").key(name).key("port"), "%d differs from version %s's port %d; every version of a service listens on the same container port, the one its callers dial",
				port, first, svc.Versions[first].Port)
		}
	}
}

// dockerVersion checks what the docker runtime needs of a version: an
// image present locally or a build, a container port, an absolute
// working dir. Its command is optional (the arguments to the image's
// entrypoint).
func (v *validator) dockerVersion(p fieldPath, ver sut.VersionSpec) {
	switch {
	case ver.Image == "" && ver.Build == nil:
		v.addf(p, `no image; the docker runtime needs image (a local repo:tag, such as "faultdrill/ledger:dev") or build (a Dockerfile's context folder)`)
	case ver.Image != "" && ver.Build != nil:
		v.addf(p.key("build"), "has both image and build; keep one")
	case ver.Build != nil && ver.Build.Context == "":
		v.addf(p.key("build").key("context"), "missing; give the folder to build from, relative to the scenario file, such as ../../demo/docker")
	}
	if ver.Port < 1 || ver.Port > 65535 {
		v.addf(p.key("port"), "%d is not a port; use the port the service listens on inside its container, 1 to 65535", ver.Port)
	}
	if ver.Dir != "" && !path.IsAbs(ver.Dir) {
		v.addf(p.key("dir"), "%q is relative; inside a container the working dir is an absolute path, such as /app", ver.Dir)
	}
}
