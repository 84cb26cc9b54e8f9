package auditlog

import (
	"errors"
	"fmt"
	"strings"
	"unsafe"
)

// csvField is one parsed Percona CSV field, stored in the arena.
type csvField struct {
	off, n int
	quoted bool
}

// Percona CSV layouts, by record kind. Status is the one unquoted field.
var (
	csvAudit      = []string{"name", "record", "timestamp", "mysql_version", "startup_options", "os_version"}
	csvConnection = []string{"name", "record", "timestamp", "connection_id", "status", "user", "priv_user", "os_login", "proxy_user", "host", "ip", "db"}
	csvGeneral    = []string{"name", "record", "timestamp", "command_class", "connection_id", "status", "sqltext", "user", "host", "os_user", "ip", "db"}
)

// parseCSV parses one Percona CSV record (quotes doubled inside fields,
// newlines left raw, so a record may span lines).
func (r *Reader) parseCSV(rec []byte) (Format, error) {
	var fields [16]csvField
	n := 0
	p := rec
	for {
		if n == len(fields) {
			return 0, errors.New("too many fields")
		}
		f, rest, err := r.csvNext(p)
		if err != nil {
			return 0, err
		}
		fields[n] = f
		n++
		if len(rest) == 0 {
			break
		}
		p = rest[1:] // the comma
	}
	layout, err := csvLayout(fields[:n])
	if err != nil {
		return 0, err
	}
	for i, key := range layout {
		kind := kStr
		if !fields[i].quoted {
			kind = kNum
		}
		r.b.addRef(key, fields[i].off, fields[i].n, kind)
	}
	return PerconaCSV, nil
}

func csvLayout(f []csvField) ([]string, error) {
	switch {
	case len(f) == len(csvAudit):
		return csvAudit, nil
	case len(f) == 12 && !f[4].quoted:
		return csvConnection, nil
	case len(f) == 12 && !f[5].quoted:
		return csvGeneral, nil
	}
	return nil, fmt.Errorf("%d fields match no Percona CSV layout", len(f))
}

// csvNext parses one field; rest starts at the comma after it, or is empty.
func (r *Reader) csvNext(p []byte) (csvField, []byte, error) {
	off := len(r.b.arena)
	if len(p) == 0 || p[0] != '"' {
		i := 0
		for i < len(p) && p[i] != ',' {
			i++
		}
		r.b.arena = append(r.b.arena, p[:i]...)
		return csvField{off: off, n: i}, p[i:], nil
	}
	i := 1
	for {
		j := indexByte(p[i:], '"')
		if j < 0 {
			return csvField{}, nil, errors.New("unterminated quoted field")
		}
		r.b.arena = append(r.b.arena, p[i:i+j]...)
		i += j + 1
		if i < len(p) && p[i] == '"' { // a doubled quote
			r.b.arena = append(r.b.arena, '"')
			i++
			continue
		}
		break
	}
	rest := p[i:]
	if len(rest) > 0 && rest[0] != ',' {
		return csvField{}, nil, fmt.Errorf("text %q after a quoted field", snippet(rest))
	}
	return csvField{off: off, n: len(r.b.arena) - off, quoted: true}, rest, nil
}

// mariadbNames gives server_audit operations the NAME the other formats
// use; table events become "Table <op>".
var mariadbNames = map[string]string{
	"CONNECT":        "Connect",
	"FAILED_CONNECT": "Connect",
	"DISCONNECT":     "Quit",
	"CHANGEUSER":     "Change user",
	"QUERY":          "Query",
	"READ":           "Table Read",
	"WRITE":          "Table Write",
	"CREATE":         "Table Create",
	"ALTER":          "Table Alter",
	"RENAME":         "Table Rename",
	"DROP":           "Table Drop",
}

// mariadb parses one server_audit line:
// YYYYMMDD HH:MM:SS,serverhost,username,host,connectionid,queryid,operation,database,object,retcode
func (r *Reader) mariadb(s string, off, end int64) {
	r.b.reset()
	err := r.parseMariaDB(s)
	r.emit(MariaDBAudit, err, unsafe.Slice(unsafe.StringData(s), len(s)), off, end)
}

func (r *Reader) parseMariaDB(s string) error {
	if !looksLikeMariaDB(s) {
		return errors.New("no YYYYMMDD HH:MM:SS timestamp")
	}
	var f [8]string
	rest := s
	for i := range f {
		j := strings.IndexByte(rest, ',')
		if j < 0 {
			return fmt.Errorf("%d fields, want 10", i+1)
		}
		f[i], rest = rest[:j], rest[j+1:]
	}
	object, retcode, quoted, err := mariadbTail(rest)
	if err != nil {
		return err
	}
	op := f[6]
	name, ok := mariadbNames[op]
	if !ok {
		name = op
	}
	r.b.add("name", name, kStr)
	r.b.add("timestamp", f[0], kStr)
	r.b.add("server_host", f[1], kStr)
	r.b.add("user", f[2], kStr)
	r.b.add("host", f[3], kStr)
	r.b.add("connection_id", f[4], kStr)
	r.b.add("query_id", f[5], kStr)
	r.b.add("operation", op, kStr)
	r.b.add("db", f[7], kStr)
	if retcode != "" {
		r.b.add("status", retcode, kNum)
	}
	if op == "QUERY" || quoted {
		off := len(r.b.arena)
		r.b.arena = appendMariaDBUnescaped(r.b.arena, object)
		r.b.addRef("sqltext", off, len(r.b.arena)-off, kStr)
		if cc := commandClass(string(r.b.arena[off:])); cc != "" {
			r.b.add("command_class", cc, kStr)
		}
		return nil
	}
	r.b.add("object", object, kStr)
	return nil
}

// mariadbTail splits "object,retcode". A QUERY object is a quoted
// statement with backslash escapes and may contain commas; a table name is
// bare. retcode may be empty (the line then ends with a comma).
func mariadbTail(rest string) (object, retcode string, quoted bool, err error) {
	if strings.HasPrefix(rest, "'") {
		i := 1
		for i < len(rest) && rest[i] != '\'' {
			if rest[i] == '\\' {
				i++
			}
			i++
		}
		if i >= len(rest) {
			return "", "", false, errors.New("unterminated quoted statement")
		}
		object, after := rest[1:i], rest[i+1:]
		switch {
		case after == "":
		case after[0] == ',':
			retcode = after[1:]
		default:
			return "", "", false, fmt.Errorf("text %q after the quoted statement", after)
		}
		return object, retcode, true, nil
	}
	j := strings.LastIndexByte(rest, ',')
	if j < 0 {
		return "", "", false, errors.New("9 fields, want 10")
	}
	return rest[:j], rest[j+1:], false, nil
}

// appendMariaDBUnescaped undoes server_audit's backslash escaping.
func appendMariaDBUnescaped(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			dst = append(dst, c)
			continue
		}
		i++
		switch s[i] {
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case '0':
			dst = append(dst, 0)
		default:
			dst = append(dst, s[i])
		}
	}
	return dst
}
