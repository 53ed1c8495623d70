package scenarios

import (
	"fmt"
	"net"
	"slices"
	"strings"
)

// links checks that every link has a unique name and joins two defined
// services.
func (v *validator) links() {
	services := sortedKeys(v.s.System.Services)
	seen := map[string]fieldPath{}
	for i, l := range v.s.System.Links {
		p := pathOf("system", "links").index(i)
		switch {
		case l.Name == "":
			v.addf(p.key("name"), "missing; name the link, such as %q", suggestLinkName(l.From, l.To))
		case !safeName.MatchString(l.Name):
			v.addf(p.key("name"), "link name %q %s", l.Name, nameRule)
		case seen[l.Name] != nil:
			v.addf(p.key("name"), "link %q is already defined at line %d; give each link its own name", l.Name, v.line(seen[l.Name]))
		default:
			seen[l.Name] = p.key("name")
		}
		v.serviceRef(p.key("from"), l.From, services, "the service that calls")
		v.serviceRef(p.key("to"), l.To, services, "the service that is called")
		v.portRef(p.key("port"), l.To, l.Port)
		for j, port := range l.Ports {
			v.portRef(p.key("ports").index(j), l.To, port)
		}
		if l.Port != "" && len(l.Ports) > 0 {
			v.addf(p.key("ports"), "port and ports are both set; give one port, or the list of ports the link leads to")
		}
		if ip := net.ParseIP(l.Listen); l.Listen != "" && (ip == nil || ip.To4() == nil || !ip.IsLoopback()) {
			v.addf(p.key("listen"), "%q is not a loopback IPv4 address; use one such as 127.20.1.2 (the proxies listen there, each on its target port's number)", l.Listen)
		}
		if l.From != "" && l.From == l.To {
			v.addf(p, "from and to are both %q; a link joins two different services", l.From)
		}
	}
	if cycle := linkCycle(v.s); cycle != nil {
		var path []string
		for _, i := range cycle {
			path = append(path, v.s.System.Links[i].From)
		}
		path = append(path, v.s.System.Links[cycle[0]].From)
		v.addf(pathOf("system", "links").index(cycle[0]), "links form a cycle (%s), so no service of it can start first; put those services in one start group (group: NAME on each) to start them together",
			strings.Join(path, " → "))
	}
}

// oneOf lists the choices for a missing name, " (one of: a, b)", or
// nothing when there are none.
func oneOf(choices []string) string {
	if len(choices) == 0 {
		return ""
	}
	return " (one of: " + strings.Join(choices, ", ") + ")"
}

// suggestLinkName proposes a name for a link from one service to another.
func suggestLinkName(from, to string) string {
	if from == "" || to == "" {
		return "api-to-store"
	}
	return fmt.Sprintf("%s-to-%s", from, to)
}

// serviceRef checks that name, at p, names a defined service; role says
// which service is meant when it is missing.
func (v *validator) serviceRef(p fieldPath, name string, services []string, role string) bool {
	if name == "" {
		v.addf(p, "missing; name %s%s", role, oneOf(services))
		return false
	}
	if !slices.Contains(services, name) {
		v.addf(p, "%s", undefined("service", name, services, "system.services"))
		return false
	}
	return true
}
