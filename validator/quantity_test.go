package validator

import "testing"

// TestValidQuantity pins the quantity grammar to what the API server's
// resource.ParseQuantity accepts and rejects.
func TestValidQuantity(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"1", true}, {"0", true}, {"+1", true}, {"-1", true},
		{"1.5", true}, {"1.", true}, {".5", true}, {"-.5", true},
		{"500m", true}, {"1k", true}, {"1M", true}, {"1G", true}, {"1T", true}, {"1P", true}, {"1E", true},
		{"1Ki", true}, {"64Mi", true}, {"2Gi", true}, {"1Ti", true}, {"1Pi", true}, {"1Ei", true},
		{"1e3", true}, {"1E3", true}, {"1e+3", true}, {"1e-3", true}, {"1.5e10", true},
		{" 2Gi ", true}, // Quantity.UnmarshalJSON trims white space

		{"", false}, {" ", false}, {"+", false}, {"-", false}, {".", false}, {"+.", false},
		{"Gi", false}, {"m", false}, {"e3", false},
		{"1GB", false}, {"1 Gi", false}, {"abc", false}, {"1gi", false}, {"1ki", false}, {"1K", false},
		{"1e", false}, {"1E+", false}, {"1e3.5", false}, {"1e3k", false}, {"1Gi5", false},
		{"1..5", false}, {"1.5.", false}, {"++1", false}, {"0x10", false}, {"1,5", false},
	}
	for _, tt := range tests {
		if got := validQuantity(tt.in); got != tt.want {
			t.Errorf("validQuantity(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
