package auditlog

import (
	"strconv"

	"github.com/gossec/gossec/internal/jsonstr"
)

// valKind says how a field value is written into the JSON event.
type valKind uint8

const (
	kStr valKind = iota // a JSON string
	kNum                // an integer, written bare
	kRaw                // already valid JSON (a nested object, true, null)
)

// field is one output field. Key and value bytes live in builder.arena so
// that building a record does not allocate once the arena has grown.
type field struct {
	key    string
	off, n int
	kind   valKind
}

// builder collects the fields of one record.
type builder struct {
	arena  []byte
	fields []field
}

func (b *builder) reset() {
	b.arena = b.arena[:0]
	b.fields = b.fields[:0]
}

// canonical lists the schema's fields in output order (Percona's names).
var canonical = [...]string{
	"name", "record", "timestamp", "command_class", "connection_id", "status",
	"sqltext", "user", "priv_user", "os_user", "os_login", "proxy_user",
	"host", "ip", "db",
}

// has reports whether key is already set.
func (b *builder) has(key string) bool {
	for i := range b.fields {
		if b.fields[i].key == key {
			return true
		}
	}
	return false
}

// addRef records a value already stored in the arena. The first value of a
// key wins: a duplicate element in a record does not overwrite.
func (b *builder) addRef(key string, off, n int, kind valKind) {
	if b.has(key) {
		return
	}
	if kind == kNum && !isJSONInt(b.arena[off:off+n]) {
		kind = kStr
	}
	b.fields = append(b.fields, field{key: key, off: off, n: n, kind: kind})
}

// add copies s into the arena and records it.
func (b *builder) add(key, s string, kind valKind) {
	if b.has(key) {
		return
	}
	off := len(b.arena)
	b.arena = append(b.arena, s...)
	b.addRef(key, off, len(s), kind)
}

func (b *builder) get(key string) (string, bool) {
	for _, f := range b.fields {
		if f.key == key {
			return string(b.arena[f.off : f.off+f.n]), true
		}
	}
	return "", false
}

// isJSONInt reports whether v is an integer JSON accepts as a number.
func isJSONInt(v []byte) bool {
	if len(v) > 0 && v[0] == '-' {
		v = v[1:]
	}
	if len(v) == 0 || len(v) > 18 || (v[0] == '0' && len(v) > 1) {
		return false
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// encode appends the event JSON to dst.
func (b *builder) encode(dst []byte, f Format) []byte {
	dst = append(dst, `{"audit_record":{`...)
	first := true
	var done [32]bool // fields already written; records have few fields
	for _, k := range canonical {
		for i, fl := range b.fields {
			if fl.key == k {
				dst = b.writeField(dst, fl, first)
				first = false
				if i < len(done) {
					done[i] = true
				}
				break
			}
		}
	}
	for i, fl := range b.fields {
		if i < len(done) && done[i] {
			continue
		}
		if i >= len(done) && isCanonical(fl.key) {
			continue
		}
		dst = b.writeField(dst, fl, first)
		first = false
	}
	dst = append(dst, `},"format":"`...)
	dst = append(dst, f.String()...)
	// Wazuh's stock audit rules (0530, 88000) select Percona-schema records
	// by this field, which operators otherwise add with a <label>: every
	// record here has that schema, so it says so itself.
	return append(dst, `","mysql_audit_log":"percona"}`...)
}

func isCanonical(k string) bool {
	for _, c := range canonical {
		if c == k {
			return true
		}
	}
	return false
}

func (b *builder) writeField(dst []byte, fl field, first bool) []byte {
	if !first {
		dst = append(dst, ',')
	}
	dst = jsonstr.Append(dst, fl.key)
	dst = append(dst, ':')
	v := b.arena[fl.off : fl.off+fl.n]
	if fl.kind == kStr {
		return jsonstr.Append(dst, string(v))
	}
	return append(dst, v...)
}

// addInt stores an integer value.
func (b *builder) addInt(key string, v int64) {
	off := len(b.arena)
	b.arena = strconv.AppendInt(b.arena, v, 10)
	b.addRef(key, off, len(b.arena)-off, kNum)
}
