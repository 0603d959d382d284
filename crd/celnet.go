//go:build !nocel

package crd

import (
	"fmt"
	"net/netip"
	"reflect"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
)

// The Kubernetes CEL library's IP addresses and CIDRs: ip(), cidr() and
// their methods, parsed with net/netip as the API server parses them (no
// zones, no IPv4-mapped IPv6 addresses).

var (
	ipType   = cel.OpaqueType("net.IP")
	cidrType = cel.OpaqueType("net.CIDR")
)

type ipVal struct{ a netip.Addr }
type cidrVal struct{ p netip.Prefix }

func parseIPAddr(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	switch {
	case err != nil:
		return netip.Addr{}, fmt.Errorf("IP Address %q parse error during conversion from string: %v", s, err)
	case a.Zone() != "":
		return netip.Addr{}, fmt.Errorf("IP address %q with zone value is not allowed", s)
	case a.Is4In6():
		return netip.Addr{}, fmt.Errorf("IPv4-mapped IPv6 address %q is not allowed", s)
	}
	return a, nil
}

func parseCIDRPrefix(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	switch {
	case err != nil:
		return netip.Prefix{}, fmt.Errorf("network address parse error during conversion from string: %v", err)
	case p.Addr().Is4In6():
		return netip.Prefix{}, fmt.Errorf("IPv4-mapped IPv6 address %q is not allowed", s)
	}
	return p, nil
}

func netFunctions() []cel.EnvOption {
	str := func(v ref.Val) string { return string(v.(types.String)) }
	ipOf := func(v ref.Val) netip.Addr { return v.(ipVal).a }
	cidrOf := func(v ref.Val) netip.Prefix { return v.(cidrVal).p }
	addrTest := func(name string, test func(netip.Addr) bool) cel.EnvOption {
		return cel.Function(name, cel.MemberOverload("ip_"+name, []*cel.Type{ipType}, cel.BoolType,
			cel.UnaryBinding(func(v ref.Val) ref.Val { return types.Bool(test(ipOf(v))) })))
	}
	return []cel.EnvOption{
		cel.Function("ip", cel.Overload("string_to_ip", []*cel.Type{cel.StringType}, ipType, cel.UnaryBinding(func(v ref.Val) ref.Val {
			a, err := parseIPAddr(str(v))
			if err != nil {
				return types.NewErr("%v", err)
			}
			return ipVal{a}
		}))),
		cel.Function("isIP", cel.Overload("is_ip", []*cel.Type{cel.StringType}, cel.BoolType, cel.UnaryBinding(func(v ref.Val) ref.Val {
			_, err := parseIPAddr(str(v))
			return types.Bool(err == nil)
		}))),
		cel.Function("ip.isCanonical", cel.Overload("ip_is_canonical", []*cel.Type{cel.StringType}, cel.BoolType, cel.UnaryBinding(func(v ref.Val) ref.Val {
			a, err := parseIPAddr(str(v))
			if err != nil {
				return types.NewErr("%v", err)
			}
			return types.Bool(a.String() == str(v))
		}))),
		cel.Function("family", cel.MemberOverload("ip_family", []*cel.Type{ipType}, cel.IntType, cel.UnaryBinding(func(v ref.Val) ref.Val {
			if ipOf(v).Is4() {
				return types.Int(4)
			}
			return types.Int(6)
		}))),
		addrTest("isUnspecified", netip.Addr.IsUnspecified),
		addrTest("isLoopback", netip.Addr.IsLoopback),
		addrTest("isLinkLocalMulticast", netip.Addr.IsLinkLocalMulticast),
		addrTest("isLinkLocalUnicast", netip.Addr.IsLinkLocalUnicast),
		addrTest("isGlobalUnicast", netip.Addr.IsGlobalUnicast),
		cel.Function("cidr", cel.Overload("string_to_cidr", []*cel.Type{cel.StringType}, cidrType, cel.UnaryBinding(func(v ref.Val) ref.Val {
			p, err := parseCIDRPrefix(str(v))
			if err != nil {
				return types.NewErr("%v", err)
			}
			return cidrVal{p}
		}))),
		cel.Function("isCIDR", cel.Overload("is_cidr", []*cel.Type{cel.StringType}, cel.BoolType, cel.UnaryBinding(func(v ref.Val) ref.Val {
			_, err := parseCIDRPrefix(str(v))
			return types.Bool(err == nil)
		}))),
		cel.Function("containsIP",
			cel.MemberOverload("cidr_contains_ip_ip", []*cel.Type{cidrType, ipType}, cel.BoolType, cel.BinaryBinding(func(c, v ref.Val) ref.Val {
				return types.Bool(cidrOf(c).Contains(ipOf(v)))
			})),
			cel.MemberOverload("cidr_contains_ip_string", []*cel.Type{cidrType, cel.StringType}, cel.BoolType, cel.BinaryBinding(func(c, v ref.Val) ref.Val {
				a, err := parseIPAddr(str(v))
				if err != nil {
					return types.NewErr("%v", err)
				}
				return types.Bool(cidrOf(c).Contains(a))
			}))),
		cel.Function("containsCIDR",
			cel.MemberOverload("cidr_contains_cidr", []*cel.Type{cidrType, cidrType}, cel.BoolType, cel.BinaryBinding(func(c, o ref.Val) ref.Val {
				return types.Bool(prefixContains(cidrOf(c), cidrOf(o)))
			})),
			cel.MemberOverload("cidr_contains_cidr_string", []*cel.Type{cidrType, cel.StringType}, cel.BoolType, cel.BinaryBinding(func(c, o ref.Val) ref.Val {
				p, err := parseCIDRPrefix(str(o))
				if err != nil {
					return types.NewErr("%v", err)
				}
				return types.Bool(prefixContains(cidrOf(c), p))
			}))),
		cel.Function("ip", cel.MemberOverload("cidr_ip", []*cel.Type{cidrType}, ipType, cel.UnaryBinding(func(c ref.Val) ref.Val {
			return ipVal{cidrOf(c).Addr()}
		}))),
		cel.Function("masked", cel.MemberOverload("cidr_masked", []*cel.Type{cidrType}, cidrType, cel.UnaryBinding(func(c ref.Val) ref.Val {
			return cidrVal{cidrOf(c).Masked()}
		}))),
		cel.Function("prefixLength", cel.MemberOverload("cidr_prefix_length", []*cel.Type{cidrType}, cel.IntType, cel.UnaryBinding(func(c ref.Val) ref.Val {
			return types.Int(cidrOf(c).Bits())
		}))),
		cel.Function("string",
			cel.Overload("ip_to_string", []*cel.Type{ipType}, cel.StringType, cel.UnaryBinding(func(v ref.Val) ref.Val { return types.String(ipOf(v).String()) })),
			cel.Overload("cidr_to_string", []*cel.Type{cidrType}, cel.StringType, cel.UnaryBinding(func(v ref.Val) ref.Val { return types.String(cidrOf(v).String()) }))),
	}
}

// prefixContains reports whether other lies within p: a prefix at least
// as long, whose network p contains.
func prefixContains(p, other netip.Prefix) bool {
	return p.Addr().Is4() == other.Addr().Is4() && other.Bits() >= p.Bits() && p.Contains(other.Masked().Addr())
}

func (v ipVal) ConvertToNative(t reflect.Type) (any, error) {
	if t == reflect.TypeOf(netip.Addr{}) {
		return v.a, nil
	}
	return nil, fmt.Errorf("type conversion error from IP to %v", t)
}
func (v ipVal) ConvertToType(t ref.Type) ref.Val {
	switch t {
	case types.StringType:
		return types.String(v.a.String())
	case ipType:
		return v
	}
	return types.NewErr("type conversion error from %s to %s", ipType, t)
}
func (v ipVal) Equal(o ref.Val) ref.Val {
	w, ok := o.(ipVal)
	return types.Bool(ok && v.a == w.a)
}
func (ipVal) Type() ref.Type { return ipType }
func (v ipVal) Value() any   { return v.a }

func (v cidrVal) ConvertToNative(t reflect.Type) (any, error) {
	if t == reflect.TypeOf(netip.Prefix{}) {
		return v.p, nil
	}
	return nil, fmt.Errorf("type conversion error from CIDR to %v", t)
}
func (v cidrVal) ConvertToType(t ref.Type) ref.Val {
	switch t {
	case types.StringType:
		return types.String(v.p.String())
	case cidrType:
		return v
	}
	return types.NewErr("type conversion error from %s to %s", cidrType, t)
}
func (v cidrVal) Equal(o ref.Val) ref.Val {
	w, ok := o.(cidrVal)
	return types.Bool(ok && v.p == w.p)
}
func (cidrVal) Type() ref.Type { return cidrType }
func (v cidrVal) Value() any   { return v.p }
