package crd

import (
	"encoding/base64"
	"errors"
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// checkFormat returns what is wrong with text as a string of format, ""
// when it is fine. The formats are those the API server checks in CRD
// schemas (apiextensions' supported formats, with kube-openapi's strfmt
// definitions); any other format, int32 and int64 among them, is a
// description only and not checked — as the API server does not.
func checkFormat(format, text string) string {
	switch format {
	case "byte":
		if _, err := base64.StdEncoding.DecodeString(text); err != nil {
			return "not standard base64"
		}
	case "date":
		if _, err := time.Parse(time.DateOnly, text); err != nil {
			return "want a full-date such as 2024-01-31"
		}
	case "date-time", "datetime":
		if _, err := parseDateTime(text); err != nil {
			return "want an RFC 3339 date-time such as 2024-01-31T12:00:00Z"
		}
	case "duration":
		if _, err := parseDuration(text); err != nil {
			return "want a duration such as 90s, 1h30m or 3 days"
		}
	case "uri":
		if _, err := url.ParseRequestURI(text); err != nil {
			return "want an absolute URI or path"
		}
	case "email":
		if _, err := mail.ParseAddress(text); err != nil {
			return "want an e-mail address"
		}
	case "hostname":
		if !formatRegexps()["hostname"].MatchString(text) || len(text) > 255 {
			return "want an RFC 1123 host name"
		}
	case "ipv4":
		if ip := net.ParseIP(text); ip == nil || !strings.Contains(text, ".") || strings.Contains(text, ":") {
			return "want an IPv4 address"
		}
	case "ipv6":
		if ip := net.ParseIP(text); ip == nil || !strings.Contains(text, ":") {
			return "want an IPv6 address"
		}
	case "cidr":
		if _, _, err := net.ParseCIDR(text); err != nil {
			return "want a CIDR such as 10.0.0.0/8"
		}
	case "mac":
		if _, err := net.ParseMAC(text); err != nil {
			return "want a MAC address"
		}
	case "uuid", "uuid3", "uuid4", "uuid5", "bsonobjectid", "hexcolor", "rgbcolor", "ssn":
		if !formatRegexps()[format].MatchString(text) {
			return "does not have the form of a " + format
		}
	case "isbn":
		if !isbn10(text) && !isbn13(text) {
			return "want an ISBN-10 or ISBN-13"
		}
	case "isbn10":
		if !isbn10(text) {
			return "want an ISBN-10"
		}
	case "isbn13":
		if !isbn13(text) {
			return "want an ISBN-13"
		}
	case "creditcard":
		if !luhn(text) {
			return "want a credit card number"
		}
	}
	return ""
}

// formatRegexps are compiled on first use: most runs check no formats.
var formatRegexps = sync.OnceValue(func() map[string]*regexp.Regexp {
	return map[string]*regexp.Regexp{
		"hostname":     regexp.MustCompile(`^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$`),
		"uuid":         regexp.MustCompile(`(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$`),
		"uuid3":        regexp.MustCompile(`(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$`),
		"uuid4":        regexp.MustCompile(`(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$`),
		"uuid5":        regexp.MustCompile(`(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$`),
		"bsonobjectid": regexp.MustCompile(`^[0-9a-fA-F]{24}$`),
		"hexcolor":     regexp.MustCompile(`^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`),
		"rgbcolor":     regexp.MustCompile(`^rgb\(\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*\)$`),
		"ssn":          regexp.MustCompile(`^\d{3}[- ]?\d{2}[- ]?\d{4}$`),
	}
})

// dateTimeLayouts are the forms strfmt.ParseDateTime accepts.
var dateTimeLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00", "2006-01-02T15:04", "2006-01-02 15:04:05",
}

func parseDateTime(s string) (time.Time, error) {
	for _, l := range dateTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("not a date-time")
}

// durationUnits are the units strfmt.ParseDuration accepts after a number
// ("3 days"), besides Go's own durations ("1h30m").
var durationUnits = map[string]time.Duration{
	"ns": time.Nanosecond, "us": time.Microsecond, "µs": time.Microsecond, "ms": time.Millisecond,
	"s": time.Second, "sec": time.Second, "second": time.Second, "m": time.Minute, "min": time.Minute,
	"minute": time.Minute, "h": time.Hour, "hr": time.Hour, "hour": time.Hour, "d": 24 * time.Hour,
	"day": 24 * time.Hour, "w": 7 * 24 * time.Hour, "wk": 7 * 24 * time.Hour, "week": 7 * 24 * time.Hour,
}

func parseDuration(s string) (time.Duration, error) {
	if d, err := time.ParseDuration(s); err == nil {
		return d, nil
	}
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil {
		return 0, err
	}
	unit := strings.TrimSpace(s[i:])
	u, ok := durationUnits[unit]
	if !ok {
		u, ok = durationUnits[strings.TrimSuffix(unit, "s")]
	}
	if !ok {
		return 0, errors.New("unknown unit")
	}
	return time.Duration(n) * u, nil
}

func digitsOf(s string) string {
	return strings.NewReplacer("-", "", " ", "").Replace(s)
}

func isbn10(s string) bool {
	d := digitsOf(s)
	if len(d) != 10 {
		return false
	}
	sum := 0
	for i := range 10 {
		c := d[i]
		v := int(c - '0')
		if i == 9 && (c == 'X' || c == 'x') {
			v = 10
		} else if c < '0' || c > '9' {
			return false
		}
		sum += (10 - i) * v
	}
	return sum%11 == 0
}

func isbn13(s string) bool {
	d := digitsOf(s)
	if len(d) != 13 {
		return false
	}
	sum := 0
	for i := range 13 {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
		v := int(d[i] - '0')
		if i%2 == 1 {
			v *= 3
		}
		sum += v
	}
	return sum%10 == 0
}

func luhn(s string) bool {
	d := digitsOf(s)
	if len(d) < 12 || len(d) > 19 {
		return false
	}
	sum := 0
	for i := range len(d) {
		c := d[len(d)-1-i]
		if c < '0' || c > '9' {
			return false
		}
		v := int(c - '0')
		if i%2 == 1 {
			if v *= 2; v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}
