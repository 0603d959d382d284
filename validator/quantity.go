package validator

import "strings"

// validQuantity reports whether s is a Kubernetes resource.Quantity in its
// string form, by the grammar the API server's parser accepts:
//
//	quantity     ::= signedNumber suffix
//	signedNumber ::= [+-]? (digits | digits "." digits | digits "." | "." digits)
//	suffix       ::= "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei"
//	               | "m" | "" | "k" | "M" | "G" | "T" | "P" | "E"
//	               | ("e" | "E") [+-]? digits
//
// Hand-written so that eastern need not link k8s.io/apimachinery's
// resource package (and its big-number arithmetic) for one check. Like
// Quantity.UnmarshalJSON, it ignores surrounding white space.
func validQuantity(s string) bool {
	s = strings.TrimSpace(s)
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	intDigits := countDigits(s)
	s = s[intDigits:]
	fracDigits := 0
	if s != "" && s[0] == '.' {
		s = s[1:]
		fracDigits = countDigits(s)
		s = s[fracDigits:]
	}
	if intDigits+fracDigits == 0 {
		return false // no number at all: "", "+", ".", "Gi"
	}
	switch s {
	case "", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei":
		return true
	}
	if s[0] != 'e' && s[0] != 'E' {
		return false
	}
	s = s[1:]
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	return s != "" && countDigits(s) == len(s)
}

// countDigits counts the ASCII digits that s starts with.
func countDigits(s string) int {
	n := 0
	for n < len(s) && '0' <= s[n] && s[n] <= '9' {
		n++
	}
	return n
}
