package watch

import (
	"slices"
	"testing"
)

func TestSummarize(t *testing.T) {
	t.Parallel()
	const svc = "kind: Service\nmetadata:\n  name: web\nspec:\n  port: 80\n"
	const dep = "kind: Deployment\nmetadata:\n  name: web\n  labels:\n    name: other\nspec:\n  replicas: 1\n"
	tests := []struct {
		name          string
		before, after string
		want          []Change
	}{
		{"identical", svc + "---\n" + dep, svc + "---\n" + dep, nil},
		{"documents reordered", svc + "---\n" + dep, dep + "---\n" + svc, nil},
		{"one line changed", svc + "---\n" + dep, svc + "---\n" + dep[:len(dep)-2] + "3\n",
			[]Change{{Object: "Deployment/web", Added: 1, Removed: 1}}},
		{"lines added", svc, svc + "  targetPort: 8080\n  protocol: TCP\n",
			[]Change{{Object: "Service/web", Added: 2}}},
		{"object added and removed", svc, dep,
			[]Change{{Object: "Deployment/web", Added: 7, New: true}, {Object: "Service/web", Removed: 5, Gone: true}}},
		{"line moved within an object", "kind: A\nmetadata:\n  name: a\nx: 1\ny: 2\n", "kind: A\nmetadata:\n  name: a\ny: 2\nx: 1\n", nil},
		{"documents without names are numbered", "a: 1\n---\nb: 1\n", "a: 1\n---\nb: 2\n",
			[]Change{{Object: "document 2", Added: 1, Removed: 1}}},
		{"same kind and name twice", svc + "---\n" + svc, svc + "---\n" + svc + "  extra: 1\n",
			[]Change{{Object: "Service/web #2", Added: 1}}},
		{"leading separator and comments-only documents are skipped", "---\n# just a comment\n---\n" + svc, svc, nil},
		{"markers are not object lines", svc + "---\n" + dep, "--- # web\n" + svc + "...\n---\n" + dep + "...\n", nil},
		{"... ends a document", svc, svc + "...\n" + dep,
			[]Change{{Object: "Deployment/web", Added: 7, New: true}}},
		{"blank lines after ... are no document", svc + "---\n" + dep, svc + "...\n\n\n---\n" + dep, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summarize([]byte(tt.before), []byte(tt.after))
			if !slices.Equal(got, tt.want) {
				t.Errorf("summarize() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDocumentID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"plain", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n", "ConfigMap/cfg"},
		{"quoted with comment", "kind: \"Service\"\nmetadata:\n  name: 'web' # the front end\n", "Service/web"},
		{"label called name comes first", "kind: Pod\nmetadata:\n  labels:\n    name: wrong\n  name: right\n", "Pod/right"},
		{"name outside metadata", "kind: Pod\nspec:\n  name: nope\n", "document 4"},
		{"no kind", "metadata:\n  name: x\n", "document 4"},
		{"unparseable YAML still named", "kind: Job\nmetadata:\n  name: j\nspec: [unclosed\n", "Job/j"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs := splitDocuments([]byte(tt.doc))
			if len(docs) != 1 {
				t.Fatalf("splitDocuments found %d documents, want 1", len(docs))
			}
			if got := documentID(docs[0].lines, 4); got != tt.want {
				t.Errorf("documentID() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestChangeString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		changes []Change
		want    string
	}{
		{nil, "no changes"},
		{[]Change{{Object: "Deployment/web", Added: 2, Removed: 1}}, "Deployment/web +2 -1"},
		{[]Change{{Object: "ConfigMap/a", Added: 4, New: true}, {Object: "Service/b", Removed: 6, Gone: true}}, "ConfigMap/a new (+4), Service/b removed (-6)"},
	}
	for _, tt := range tests {
		if got := formatChanges(tt.changes); got != tt.want {
			t.Errorf("formatChanges(%v) = %q, want %q", tt.changes, got, tt.want)
		}
	}
}
