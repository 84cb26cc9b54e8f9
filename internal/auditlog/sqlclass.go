package auditlog

import "strings"

// objectKinds maps the object word after CREATE/DROP/ALTER/RENAME/SHOW to
// the suffix MySQL uses in its command class names (drop_db,
// create_table, ...).
var objectKinds = map[string]string{
	"database": "db", "schema": "db", "databases": "databases", "schemas": "databases",
	"table": "table", "tables": "tables", "index": "index", "user": "user",
	"view": "view", "trigger": "trigger", "procedure": "procedure",
	"function": "function", "event": "event", "role": "role", "server": "server",
	"grants": "grants", "variables": "variables", "status": "status",
	"processlist": "processlist", "privileges": "privileges",
}

// verbClasses maps statements whose class is not simply their first word.
var verbClasses = map[string]string{
	"set": "set_option", "use": "change_db", "load": "load", "call": "call_procedure",
	"begin": "begin", "start": "begin",
}

// commandClass derives a MySQL-style command class from a statement, for
// sources that log none (MariaDB): the lower-cased first keyword, joined
// with the object kind for DDL ("drop_db", "create_table"). It is a
// heuristic and returns "" for an empty statement.
func commandClass(sql string) string {
	words := sqlWords(sql, 5)
	if len(words) == 0 {
		return ""
	}
	verb := strings.ToLower(words[0])
	if c, ok := verbClasses[verb]; ok {
		return c
	}
	switch verb {
	case "create", "drop", "alter", "rename", "show":
		for _, w := range words[1:] {
			w = strings.ToLower(w)
			if w == "temporary" || w == "or" || w == "replace" || w == "full" || w == "global" || w == "session" {
				continue
			}
			if k, ok := objectKinds[w]; ok {
				return verb + "_" + k
			}
			break
		}
	}
	return verb
}

// sqlWords returns up to n leading words of a statement, skipping leading
// blanks, parentheses and /* */ comments.
func sqlWords(s string, n int) []string {
	var out []string
	for len(out) < n {
		s = strings.TrimLeft(s, " \t\r\n(")
		if strings.HasPrefix(s, "/*") {
			i := strings.Index(s, "*/")
			if i < 0 {
				return out
			}
			s = s[i+2:]
			continue
		}
		i := 0
		for i < len(s) && isWordByte(s[i]) {
			i++
		}
		if i == 0 {
			return out
		}
		out = append(out, s[:i])
		s = s[i:]
	}
	return out
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}
