package apivalidation

// Byte loops that accept what k8s.io/apimachinery's name checks accept, so
// that the regular expressions behind those checks (a large part of their
// cost) run only for a name that is likely invalid, to word the error.
// TestFastNames holds each loop to its check.

func isLowerAlnum(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }

// validDNS1123Label: at most 63 of [a-z0-9-], alphanumeric at both ends.
func validDNS1123Label(s string) bool {
	n := len(s)
	if n == 0 || n > 63 || !isLowerAlnum(s[0]) || !isLowerAlnum(s[n-1]) {
		return false
	}
	for i := 1; i < n-1; i++ {
		if !isLowerAlnum(s[i]) && s[i] != '-' {
			return false
		}
	}
	return true
}

// validPortName: an IANA service name, at most 15 of [a-z0-9-] with a
// letter, no "--", no '-' at either end.
func validPortName(s string) bool {
	n := len(s)
	if n == 0 || n > 15 || s[0] == '-' || s[n-1] == '-' {
		return false
	}
	letter := false
	for i := 0; i < n; i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z':
			letter = true
		case '0' <= c && c <= '9':
		case c == '-':
			if s[i-1] == '-' {
				return false
			}
		default:
			return false
		}
	}
	return letter
}

// validEnvVarName: [-._a-zA-Z][-._a-zA-Z0-9]*, not "." and not starting
// with "..", or with relaxed, any printable ASCII but '='.
func validEnvVarName(s string, relaxed bool) bool {
	if s == "" || !relaxed && chDir(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if relaxed {
			if c < ' ' || c > '~' || c == '=' {
				return false
			}
			continue
		}
		letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '-' || c == '.' || c == '_'
		if !letter && !(i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// validConfigMapKey: at most 253 of [-._a-zA-Z0-9], not "." and not
// starting with "..".
func validConfigMapKey(s string) bool {
	if s == "" || len(s) > 253 || chDir(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

// chDir is hasChDirPrefix: ".", or a start of "..".
func chDir(s string) bool { return s == "." || len(s) >= 2 && s[:2] == ".." }

// dns1123LabelErrors is IsDNS1123Label behind the fast loop.
func dns1123LabelErrors(s string) []string {
	if validDNS1123Label(s) {
		return nil
	}
	return isDNS1123Label(s)
}
