package apivalidation

import (
	"encoding/base64"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// secret checks a Secret's data and stringData: keys valid
// (ValidateSecret: IsConfigMapKey), and data values base64, as decoding the
// []byte fields requires — the API server rejects the request before
// validation ("illegal base64 data at input byte N").
func (v *checker) secret(obj *yaml.Node) {
	v.dataKeys(obj, "data", true)
	v.dataKeys(obj, "stringData", false)
}

// configMap checks a ConfigMap's keys (ValidateConfigMap: IsConfigMapKey,
// and no key in both data and binaryData) and binaryData's base64.
func (v *checker) configMap(obj *yaml.Node) {
	v.dataKeys(obj, "data", false)
	v.dataKeys(obj, "binaryData", true)
	data := indexKeys(get(obj, "data"))
	binary := pairs(get(obj, "binaryData"))
	for i := 0; i+1 < len(binary); i += 2 {
		k := binary[i]
		if data.key(k.Value) != nil {
			v.error(RuleDataKey, k, fieldPath("binaryData").key(k.Value), fmt.Sprintf("key %q is also in data", k.Value))
		}
	}
}

func (v *checker) dataKeys(obj *yaml.Node, field string, base64Values bool) {
	ps := pairs(get(obj, field))
	for i := 0; i+1 < len(ps); i += 2 {
		k := ps[i]
		p := fieldPath(field).key(k.Value)
		if !validConfigMapKey(k.Value) {
			if errs := isConfigMapKey(k.Value); len(errs) > 0 {
				v.error(RuleDataKey, k, p, fmt.Sprintf("invalid key %q: %s", k.Value, errs[0]))
			}
		}
		if !base64Values {
			continue
		}
		value := resolve(ps[i+1])
		s, ok := str(value)
		if !ok {
			continue // the schema walk reports a value that is not a string
		}
		if msg := base64Error(s); msg != "" {
			v.error(RuleBase64, value, p, "value is not base64: "+msg+" (put plain text under stringData)")
		}
	}
}

// base64Error decodes s as encoding/json decodes a []byte field: standard
// base64 with padding, line breaks ignored.
func base64Error(s string) string {
	s = strings.NewReplacer("\r", "", "\n", "").Replace(s)
	if _, err := base64.StdEncoding.DecodeString(s); err != nil {
		return err.Error()
	}
	return ""
}
