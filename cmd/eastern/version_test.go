package main

import (
	"runtime/debug"
	"testing"
)

// TestFormatVersion covers the three ways eastern is built: by the Makefile
// (ldflags), by plain `go build` in a clone (VCS stamping), and by
// `go install module@version` (module version only, no VCS data).
func TestFormatVersion(t *testing.T) {
	vcs := func(rev string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}}
	}
	tests := []struct {
		name    string
		version string
		commit  string
		info    *debug.BuildInfo
		want    string
	}{
		{
			name:    "make build: ldflags win over build info",
			version: "v1.2.0", commit: "0123456789abcdef0123",
			info: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("ffffffffffffffff")},
			want: "eastern v1.2.0 (commit 0123456789ab, go1.26.0)",
		},
		{
			name: "go build in a clone",
			info: &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261123053937-8bf986a9eb53+dirty"}, Settings: vcs("8bf986a9eb53bfaf0f5a4e464199774ab318dae5")},
			want: "eastern v0.0.0-20261123053937-8bf986a9eb53+dirty (commit 8bf986a9eb53, go1.26.0)",
		},
		{
			name: "go build without VCS stamping",
			info: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}},
			want: "eastern dev (commit unknown, go1.26.0)",
		},
		{
			name: "go install at a tag",
			info: &debug.BuildInfo{Main: debug.Module{Version: "v1.3.0"}},
			want: "eastern v1.3.0 (commit unknown, go1.26.0)",
		},
		{
			name: "go install at a commit",
			info: &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20260102150405-abcdef123456"}},
			want: "eastern v0.0.0-20260102150405-abcdef123456 (commit abcdef123456, go1.26.0)",
		},
		{
			name: "go install at a commit after a tag",
			info: &debug.BuildInfo{Main: debug.Module{Version: "v1.3.1-0.20260102150405-abcdef123456"}},
			want: "eastern v1.3.1-0.20260102150405-abcdef123456 (commit abcdef123456, go1.26.0)",
		},
		{
			name: "a pre-release tag is not a pseudo-version",
			info: &debug.BuildInfo{Main: debug.Module{Version: "v1.3.0-rc-abcdef123456"}},
			want: "eastern v1.3.0-rc-abcdef123456 (commit unknown, go1.26.0)",
		},
		{
			name: "no build info",
			want: "eastern dev (commit unknown, go1.26.0)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formatVersion(tt.version, tt.commit, tt.info, "go1.26.0"); got != tt.want {
				t.Errorf("formatVersion = %q, want %q", got, tt.want)
			}
		})
	}
}
