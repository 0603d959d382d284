package validator

import "testing"

func TestMatchDNS1035(t *testing.T) {
	for v, want := range map[string]bool{
		"web": true, "web-1": true, "a": true, "a1b2": true,
		"": false, "1web": false, "web-": false, "-web": false, "Web": false, "web.app": false, "web_app": false,
	} {
		if got := matchDNS1035(v); got != want {
			t.Errorf("matchDNS1035(%q) = %v, want %v", v, got, want)
		}
	}
}
