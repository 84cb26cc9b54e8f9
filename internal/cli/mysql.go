package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/gossec/gossec/internal/mysqltrig"
)

const mysqlUsage = `usage: gossec mysql triggers --db DB --table T [--table T2 ...] (--columns a,b,c | --dsn DSN)
                             [--exclude-columns c1,c2] [--library FILE.so] [--legacy] [--client PATH]

Prints the SQL that sets table integrity monitoring up: the log_error() UDF
registration and AFTER INSERT/UPDATE/DELETE triggers per table. With --dsn
(user[:password]@tcp(host:port)/db or user[:password]@unix(/path/sock)/db)
the columns are read from information_schema with the mariadb or mysql
command-line client (-N -B -e); the password goes to the client through
MYSQL_PWD, never on its command line. A logged column whose name looks
secret (password, hash, token, secret, key, ssn, card) is named on stderr
with the --exclude-columns that leaves it out.
`

// MySQL runs `gossec mysql <subcommand>`.
func MySQL(args []string, s Streams) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(s.Err, mysqlUsage)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	switch args[0] {
	case "triggers":
		return mysqlTriggers(args[1:], s)
	}
	fmt.Fprintf(s.Err, "gossec mysql: unknown subcommand %q\n%s", args[0], mysqlUsage)
	return ExitUsage
}

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func mysqlTriggers(args []string, s Streams) int {
	fs := flag.NewFlagSet("mysql triggers", flag.ContinueOnError)
	fs.SetOutput(s.Err)
	fs.Usage = func() { fmt.Fprint(s.Err, mysqlUsage); fs.PrintDefaults() }
	var tables listFlag
	db := fs.String("db", "", "database (schema) of the tables; default: the DSN's")
	fs.Var(&tables, "table", "table to watch (repeatable)")
	columns := fs.String("columns", "", "comma-separated columns to log, for every --table")
	dsn := fs.String("dsn", "", "read the columns from information_schema of this server")
	exclude := fs.String("exclude-columns", "", "comma-separated columns left out of the logged row (e.g. password_hash)")
	library := fs.String("library", mysqltrig.DefaultLibrary, "shared object of the UDF in the server's plugin_dir")
	legacy := fs.Bool("legacy", false, "CREATE FUNCTION without IF NOT EXISTS (MySQL 5.7, MySQL 8.0 < 8.0.29)")
	client := fs.String("client", "", "client program for --dsn; default: mariadb, else mysql, from PATH")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(s.Err, "gossec mysql triggers: unexpected argument %q\n", fs.Arg(0))
		return ExitUsage
	}
	if (*columns == "") == (*dsn == "") {
		fmt.Fprintln(s.Err, "gossec mysql triggers: give exactly one of --columns and --dsn")
		return ExitUsage
	}
	spec := mysqltrig.Spec{DB: *db, Exclude: splitList(*exclude), Library: *library, Legacy: *legacy}
	if *columns != "" {
		cols := splitList(*columns)
		for _, t := range tables {
			spec.Tables = append(spec.Tables, mysqltrig.Table{Name: t, Columns: cols})
		}
	} else {
		var err error
		if spec.Tables, spec.DB, err = tablesFromServer(*dsn, *client, spec.DB, tables); err != nil {
			fmt.Fprintf(s.Err, "gossec mysql triggers: %v\n", err)
			return ExitFailure
		}
	}
	if err := mysqltrig.Write(s.Out, spec); err != nil {
		fmt.Fprintf(s.Err, "gossec mysql triggers: %v\n", err)
		return ExitUsage
	}
	warnSecretColumns(s, spec)
	return ExitOK
}

// warnSecretColumns says which logged columns look secret and how to
// leave them out: the triggers copy every logged value into the error
// log. The SQL is printed anyway (a name is only a hint); the warning goes
// to stderr so that piping the SQL into the client still works.
func warnSecretColumns(s Streams, spec mysqltrig.Spec) {
	secrets := mysqltrig.SecretColumns(spec)
	if len(secrets) == 0 {
		return
	}
	exclude := append([]string(nil), spec.Exclude...)
	seen := map[string]bool{}
	for _, x := range exclude {
		seen[strings.ToLower(x)] = true
	}
	for _, c := range secrets {
		fmt.Fprintf(s.Err, "gossec mysql triggers: warning: column %s.%s looks secret (%s): every change of a row writes its value to the error log\n",
			c.Table, c.Column, c.Kind)
		if !seen[strings.ToLower(c.Column)] {
			seen[strings.ToLower(c.Column)] = true
			exclude = append(exclude, c.Column)
		}
	}
	fmt.Fprintf(s.Err, "gossec mysql triggers: to leave them out of the logged rows, run again with --exclude-columns %s\n",
		shellQuote(strings.Join(exclude, ",")))
}

// shellQuote quotes a flag value for a POSIX shell when it needs it.
func shellQuote(v string) string {
	if v != "" && strings.Trim(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_,.-") == "" {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}

// splitList splits a comma-separated flag value, dropping empty items and
// the spaces around names (a name cannot end with a space anyway).
func splitList(v string) []string {
	var out []string
	for p := range strings.SplitSeq(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// tablesFromServer asks the server for the columns of the tables with the
// command-line client. A table the server does not know is an error: a
// trigger on it could not be created anyway.
func tablesFromServer(dsn, client, db string, tables []string) ([]mysqltrig.Table, string, error) {
	d, err := mysqltrig.ParseDSN(dsn)
	if err != nil {
		return nil, "", err
	}
	if db == "" {
		db = d.DB
	}
	if db == "" {
		return nil, "", errors.New("no database: give --db or put it in the DSN")
	}
	if len(tables) == 0 {
		return nil, "", errors.New("no --table given")
	}
	if client == "" {
		for _, c := range []string{"mariadb", "mysql"} {
			if p, err := exec.LookPath(c); err == nil {
				client = p
				break
			}
		}
		if client == "" {
			return nil, "", errors.New("--dsn needs the mariadb or mysql client in PATH (or --client)")
		}
	}
	args := append(d.ClientArgs(), "-N", "-B", "-e", mysqltrig.ColumnsQuery(db, tables))
	cmd := exec.Command(client, args...)
	cmd.Env = append(os.Environ(), d.ClientEnv()...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w: %s", client, err, strings.TrimSpace(stderr.String()))
	}
	cols, err := mysqltrig.ParseColumns(string(out))
	if err != nil {
		return nil, "", err
	}
	var res []mysqltrig.Table
	for _, t := range tables {
		c, ok := cols[t]
		if !ok {
			return nil, "", fmt.Errorf("table %q not found in database %q", t, db)
		}
		res = append(res, mysqltrig.Table{Name: t, Columns: c})
	}
	return res, db, nil
}
