package manifest

// Label names an object for people: "Deployment/web", "web" without a
// kind, "Deployment" without a name, and a readable "(unnamed object)"
// rather than "/" or "" with neither. Findings, lint's object lists and
// watch's summaries all name objects by it.
func Label(kind, name string) string {
	switch {
	case kind != "" && name != "":
		return kind + "/" + name
	case name != "":
		return name
	case kind != "":
		return kind
	}
	return "(unnamed object)"
}

// Key identifies an object the way the API server does: two documents
// with the same Key overwrite each other when applied. Namespace is ""
// for cluster-scoped kinds, and the namespace applied to for objects that
// name none.
type Key struct {
	Group, Kind, Namespace, Name string
}
