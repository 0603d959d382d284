package apivalidation

import (
	"math/big"
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"
)

// parseQuantity agrees with the API server's resource.ParseQuantity on
// what is a quantity, and on the order and integrality of values. Two
// differences are deliberate: "+", "." and a bare suffix, which
// ParseQuantity reads as zero, are no quantities (the validator reports
// them as schema.quantity, as the API server's JSON decoding does), and
// values past int64 are compared exactly, where ParseQuantity rounds.
func TestParseQuantityAgreesWithResource(t *testing.T) {
	inputs := []string{
		"0", "1", "-1", "+1", "1.5", ".5", "5.", "100m", "0.1", "1Ki", "1.5Gi", "1024", "1e3", "1E3", "1e-3", "1e+3",
		"2k", "2K", "1M", "1Mi", "3Ti", "4Pi", "1Ei", "1E", "7P", "250m", "0.25", " 1Gi ", "-0.5", "1000000000000000000000",
		"1.0000001", "", "1..5", "1.5.5", "1i", "1Kii", "1e", "1e+", "1ee3", "1 Gi", "abc",
	}
	var values []*big.Rat
	var quantities []resource.Quantity
	for _, s := range inputs {
		got, ok := parseQuantity(s)
		want, err := resource.ParseQuantity(s)
		if s == " 1Gi " { // the validator trims, as Quantity.UnmarshalJSON does
			want, err = resource.ParseQuantity("1Gi")
		}
		if ok != (err == nil) {
			t.Errorf("parseQuantity(%q) ok %v, resource.ParseQuantity: %v", s, ok, err)
			continue
		}
		if !ok {
			continue
		}
		if isInt := want.MilliValue()%1000 == 0; got.IsInt() != isInt && want.Cmp(*resource.NewMilliQuantity(want.MilliValue(), want.Format)) == 0 {
			t.Errorf("%q: IsInt %v, resource says %v", s, got.IsInt(), isInt)
		}
		if got.Sign() != want.Sign() {
			t.Errorf("%q: sign %d, resource says %d", s, got.Sign(), want.Sign())
		}
		values = append(values, got)
		quantities = append(quantities, want)
	}
	for i := range values {
		for j := range values {
			if got, want := values[i].Cmp(values[j]), quantities[i].Cmp(quantities[j]); got != want {
				t.Errorf("%s vs %s: Cmp %d, resource says %d", values[i].RatString(), values[j].RatString(), got, want)
			}
		}
	}
	if len(values) < 25 {
		t.Fatalf("only %d quantities parsed", len(values))
	}
	for _, s := range []string{"+", ".", "Gi"} {
		if _, ok := parseQuantity(s); ok {
			t.Errorf("parseQuantity(%q) ok: it has no number", s)
		}
	}
	if _, ok := parseQuantity("1e999999999"); ok {
		t.Error("1e999999999 parsed: its value is too large to compare")
	}
}
