package mysqltrig

import (
	"fmt"
	"net"
	"strings"
)

// DSN is the subset of the go-sql-driver/mysql data source name that
// matters for reaching a server with the command-line client:
//
//	user[:password]@tcp(host[:port])/[db]
//	user[:password]@unix(/path/to/socket)/[db]
//	user[:password]@/[db]                       (the client's default socket)
type DSN struct {
	User, Password string
	Net            string // "tcp", "unix" or "" (client default)
	Addr           string // host[:port] or socket path
	DB             string
}

// ParseDSN reads a DSN; query parameters (?...) are not supported and are
// an error rather than silently ignored.
func ParseDSN(s string) (DSN, error) {
	var d DSN
	at := strings.LastIndex(s, "@")
	if at < 0 {
		return d, fmt.Errorf("dsn %q: want user[:password]@tcp(host:port)/db", s)
	}
	cred, rest := s[:at], s[at+1:]
	d.User, d.Password, _ = strings.Cut(cred, ":")
	slash := strings.LastIndex(rest, "/")
	if slash < 0 {
		return d, fmt.Errorf("dsn %q: missing /db after the address", s)
	}
	addr, db := rest[:slash], rest[slash+1:]
	if strings.Contains(db, "?") {
		return d, fmt.Errorf("dsn %q: parameters after ? are not supported", s)
	}
	d.DB = db
	if addr != "" {
		open := strings.IndexByte(addr, '(')
		if open < 0 || !strings.HasSuffix(addr, ")") {
			return d, fmt.Errorf("dsn %q: address %q: want tcp(host:port) or unix(path)", s, addr)
		}
		d.Net, d.Addr = addr[:open], addr[open+1:len(addr)-1]
		if d.Net != "tcp" && d.Net != "unix" {
			return d, fmt.Errorf("dsn %q: network %q: want tcp or unix", s, d.Net)
		}
	}
	return d, nil
}

// ClientArgs are the options of the mariadb/mysql client that connect as
// the DSN says. The password is not among them: pass it through the
// environment (ClientEnv) so that it does not show in the process list.
func (d DSN) ClientArgs() []string {
	args := []string{"--no-defaults"}
	if d.User != "" {
		args = append(args, "--user="+d.User)
	}
	switch d.Net {
	case "tcp":
		host, port, err := net.SplitHostPort(d.Addr)
		if err != nil {
			host, port = d.Addr, ""
		}
		args = append(args, "--protocol=TCP", "--host="+host)
		if port != "" {
			args = append(args, "--port="+port)
		}
	case "unix":
		args = append(args, "--protocol=SOCKET", "--socket="+d.Addr)
	}
	return args
}

// ClientEnv is the environment entry carrying the password (MYSQL_PWD is
// read by both the MariaDB and the MySQL client), or nil.
func (d DSN) ClientEnv() []string {
	if d.Password == "" {
		return nil
	}
	return []string{"MYSQL_PWD=" + d.Password}
}

// ColumnsQuery is the information_schema query listing the columns of the
// tables in their table order, one "table<TAB>column" row each.
func ColumnsQuery(db string, tables []string) string {
	var b strings.Builder
	b.WriteString("SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ")
	b.WriteString(QuoteString(db))
	b.WriteString(" AND TABLE_NAME IN (")
	for i, t := range tables {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(QuoteString(t))
	}
	b.WriteString(") ORDER BY TABLE_NAME, ORDINAL_POSITION")
	return b.String()
}

// ParseColumns reads the client's -N -B output of ColumnsQuery. Batch mode
// escapes tab, newline, backslash and NUL inside values (\t \n \\ \0),
// which is undone here so that odd names come back intact.
func ParseColumns(out string) (map[string][]string, error) {
	cols := map[string][]string{}
	for i, line := range strings.Split(out, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			continue
		}
		tab, col, ok := strings.Cut(line, "\t")
		if !ok || strings.Contains(col, "\t") {
			return nil, fmt.Errorf("client output line %d: %q: want table<TAB>column", i+1, line)
		}
		t, err := unescapeBatch(tab)
		if err != nil {
			return nil, fmt.Errorf("client output line %d: %w", i+1, err)
		}
		c, err := unescapeBatch(col)
		if err != nil {
			return nil, fmt.Errorf("client output line %d: %w", i+1, err)
		}
		cols[t] = append(cols[t], c)
	}
	return cols, nil
}

func unescapeBatch(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 == len(s) {
			return "", fmt.Errorf("value %q ends with a lone backslash", s)
		}
		i++
		switch s[i] {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case '0':
			b.WriteByte(0)
		case '\\':
			b.WriteByte('\\')
		default:
			return "", fmt.Errorf("value %q: unknown escape \\%c", s, s[i])
		}
	}
	return b.String(), nil
}
