//go:build !nocel

package crd

import (
	"strings"
	"testing"

	"github.com/google/cel-go/cel"
)

// dynEnv is the rules' environment with self and oldSelf of any type.
func dynEnv(t *testing.T) *cel.Env {
	t.Helper()
	base, err := celEnv()
	if err != nil {
		t.Fatal(err)
	}
	env, err := base.Extend(cel.Variable("self", cel.DynType), cel.Variable("oldSelf", cel.DynType))
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// The Kubernetes CEL functions eastern writes itself give what the API
// server's library gives for the same expressions.
func TestKubernetesLibrary(t *testing.T) {
	self := map[string]any{
		"memory": "1536Mi", "cpu": "250m", "zones": []any{"a", "b", "c", "b"}, "ports": []any{int64(80), int64(443), int64(8080)},
		"weights": []any{1.5, 2.5}, "endpoint": "https://user@metrics.example.com:8443/api/v1?x=1&x=2&y=3", "image": "registry/app:v12-rc3",
	}
	tests := []struct {
		expr string
		want bool // the expression is a rule: true when it holds
		err  string
	}{
		{expr: "quantity(self.memory).isGreaterThan(quantity('1Gi'))", want: true},
		{expr: "quantity(self.memory).isLessThan(quantity('1.5Gi'))", want: false},
		{expr: "quantity(self.memory) == quantity('1.5Gi')", want: true},
		{expr: "quantity(self.memory).compareTo(quantity('2Gi')) == -1", want: true},
		{expr: "quantity(self.cpu).asApproximateFloat() == 0.25", want: true},
		{expr: "quantity('1k').asInteger() == 1000 && quantity('1e3').isInteger() && !quantity('1m').isInteger()", want: true},
		{expr: "quantity(self.cpu).add(quantity('750m')) == quantity('1') && quantity('2').sub(1) == quantity('1')", want: true},
		{expr: "quantity('-1').sign() == -1 && quantity('0').sign() == 0", want: true},
		{expr: "isQuantity('10Gi') && !isQuantity('10GB') && !isQuantity('')", want: true},
		{expr: "quantity(self.cpu).asInteger() == 0", err: "cannot convert value to integer"},
		{expr: "quantity('1 Gi') == quantity('1Gi')", err: "quantities must match"},
		{expr: "self.ports.isSorted() && !self.zones.isSorted()", want: true},
		{expr: "self.ports.sum() == 8603 && self.weights.sum() == 4.0 && [].sum() == 0", want: true},
		{expr: "self.ports.min() == 80 && self.ports.max() == 8080 && self.zones.max() == 'c'", want: true},
		{expr: "self.zones.indexOf('b') == 1 && self.zones.lastIndexOf('b') == 3 && self.zones.indexOf('z') == -1", want: true},
		{expr: "[].min() == 0", err: "min called on empty list"},
		{expr: "self.image.find('[0-9]+') == '12' && self.image.findAll('[0-9]+') == ['12', '3'] && self.image.findAll('[0-9]+', 1) == ['12']", want: true},
		{expr: "self.image.find('[') == ''", err: "error parsing regexp"},
		{expr: "url(self.endpoint).getScheme() == 'https' && url(self.endpoint).getHost() == 'metrics.example.com:8443'", want: true},
		{expr: "url(self.endpoint).getHostname() == 'metrics.example.com' && url(self.endpoint).getPort() == '8443'", want: true},
		{expr: "url(self.endpoint).getEscapedPath() == '/api/v1' && url(self.endpoint).getQuery() == {'x': ['1', '2'], 'y': ['3']}", want: true},
		{expr: "isURL('/absolute/path') && !isURL('relative/path') && !isURL('')", want: true},
		{expr: "url('not a url').getScheme() == ''", err: "URL parse error"},
		{expr: "self.zones.all(z, z.size() == 1) && self.zones.exists_one(z, z == 'a')", want: true},
		{expr: "'a,b'.split(',').join('-') == 'a-b' && 'Hello'.lowerAscii() == 'hello'", want: true},
		{expr: "sets.contains(self.zones, ['a', 'c']) && self.zones.distinct() == ['a', 'b', 'c']", want: true},
		{expr: "self.?missing.orValue('none') == 'none'", want: true},
		{expr: "self.missing == 1", err: "no such key"},
		{expr: "isIP('10.0.0.1') && isIP('fd00::1') && !isIP('10.0.0.1/8') && !isIP('::ffff:10.0.0.1') && !isIP('fe80::1%eth0')", want: true},
		{expr: "ip('10.0.0.1').family() == 4 && ip('::1').family() == 6 && ip('::1').isLoopback() && ip('0.0.0.0').isUnspecified()", want: true},
		{expr: "ip('169.254.169.254').isLinkLocalUnicast() && ip('ff02::1').isLinkLocalMulticast() && !ip('255.255.255.255').isGlobalUnicast()", want: true},
		{expr: "ip.isCanonical('2001:db8::1') && !ip.isCanonical('2001:DB8::1') && string(ip('2001:DB8::1')) == '2001:db8::1'", want: true},
		{expr: "ip('10.0.0.1') == ip('10.0.0.1') && ip('10.0.0.1') != ip('10.0.0.2')", want: true},
		{expr: "cidr('192.168.0.0/16').containsIP('192.168.3.4') && !cidr('192.168.0.0/16').containsIP(ip('10.0.0.1'))", want: true},
		{expr: "cidr('192.168.0.0/16').containsCIDR('192.168.10.0/24') && !cidr('192.168.1.0/24').containsCIDR(cidr('192.168.0.0/16'))", want: true},
		{expr: "cidr('192.168.1.5/24').masked() == cidr('192.168.1.0/24') && cidr('10.0.0.0/8').prefixLength() == 8 && cidr('10.1.2.3/8').ip() == ip('10.1.2.3')", want: true},
		{expr: "isCIDR('10.0.0.0/8') && !isCIDR('10.0.0.0/33') && !isCIDR('10.0.0.1')", want: true},
		{expr: "ip('10.0.0.300').family() == 4", err: "parse error"},
	}
	env := dynEnv(t)
	for _, tt := range tests {
		r := &Rule{Rule: tt.expr}
		if err := r.compile(env); err != nil {
			t.Errorf("%s: %v", tt.expr, err)
			continue
		}
		holds, _, err := r.eval(self)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s: error %v, want one with %q", tt.expr, err, tt.err)
		case tt.err == "" && err != nil:
			t.Errorf("%s: %v", tt.expr, err)
		case tt.err == "" && holds != tt.want:
			t.Errorf("%s = %v, want %v", tt.expr, holds, tt.want)
		}
	}
}

// A rule's message comes from messageExpression when it gives a one-line
// string, else from message, else from the rule itself.
func TestRuleMessages(t *testing.T) {
	tests := []struct{ rule, message, messageExpression, want string }{
		{"self.n < 3", "n is too large", "", "n is too large"},
		{"self.n < 3", "n is too large", "'n is ' + string(self.n)", "n is 5"},
		{"self.n < 3", "fallback", "'two\\nlines'", "fallback"},
		{"self.n < 3", "", "", "failed rule: self.n < 3"},
	}
	env := dynEnv(t)
	for _, tt := range tests {
		r := &Rule{Rule: tt.rule, Message: tt.message, MessageExpression: tt.messageExpression}
		if err := r.compile(env); err != nil {
			t.Fatalf("%s: %v", tt.rule, err)
		}
		holds, msg, err := r.eval(map[string]any{"n": int64(5)})
		if holds || err != nil || msg != tt.want {
			t.Errorf("%s / %q: holds %v, message %q, error %v; want %q", tt.rule, tt.messageExpression, holds, msg, err, tt.want)
		}
	}
}

// Property names reach rules escaped as the API server escapes them.
func TestCELEscape(t *testing.T) {
	tests := []struct {
		name, want string
		ok         bool
	}{
		{"replicas", "replicas", true},
		{"namespace", "__namespace__", true},
		{"if", "__if__", true},
		{"x-prop", "x__dash__prop", true},
		{"a.b/c", "a__dot__b__slash__c", true},
		{"a__b", "a__underscores__b", true},
		{"_private", "_private", true},
		{"1st", "", false},
		{"with space", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := celEscape(tt.name)
		if got != tt.want || ok != tt.ok {
			t.Errorf("celEscape(%q) = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}
