package apivalidation

import (
	"math/big"
	"strings"
)

// A quantity's exact value, for the comparisons of requests and limits.
// Parsed here rather than with k8s.io/apimachinery's resource package:
// that package's initialisation (with cbor, klog and a JSON fork behind
// it) would cost every eastern process, render's included, 0.16 ms, for
// three comparisons. The grammar is the API server's (see
// validator.validQuantity, which reports quantities that do not parse):
//
//	[+-]? (digits | digits "." digits? | "." digits) suffix
//	suffix: Ki Mi Gi Ti Pi Ei | m "" k M G T P E | (e|E) [+-]? digits

// maxExponent bounds a decimal exponent: 1e999999999 is a quantity, but
// its value would take a gigabyte to hold. Past it, no comparison is made.
const maxExponent = 1000

// parseQuantity returns the value of s; ok is false when s is not a
// quantity or its exponent is past maxExponent.
func parseQuantity(s string) (value *big.Rat, ok bool) {
	s = strings.TrimSpace(s)
	end := 0
	if end < len(s) && (s[end] == '+' || s[end] == '-') {
		end++
	}
	digits := 0
	for end < len(s) && ('0' <= s[end] && s[end] <= '9' || s[end] == '.') {
		if s[end] != '.' {
			digits++
		}
		end++
	}
	number, suffix := s[:end], s[end:]
	if digits == 0 || strings.Count(number, ".") > 1 {
		return nil, false
	}
	value, ok = new(big.Rat).SetString(strings.TrimSuffix(number, "."))
	if !ok {
		return nil, false
	}
	if shift, binary := binarySuffixes[suffix]; binary {
		return value.Mul(value, new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), shift))), true
	}
	exp, decimal := decimalSuffixes[suffix]
	if !decimal {
		if len(suffix) < 2 || suffix[0] != 'e' && suffix[0] != 'E' {
			return nil, false
		}
		e, isInt := new(big.Int).SetString(strings.TrimPrefix(suffix[1:], "+"), 10)
		if !isInt || !e.IsInt64() || e.Int64() > maxExponent || e.Int64() < -maxExponent {
			return nil, false
		}
		exp = int(e.Int64())
	}
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(max(exp, -exp))), nil)
	if exp < 0 {
		return value.Quo(value, new(big.Rat).SetInt(scale)), true
	}
	return value.Mul(value, new(big.Rat).SetInt(scale)), true
}

var binarySuffixes = map[string]uint{"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}

var decimalSuffixes = map[string]int{"m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
