// Package mysqltrig generates the SQL that sets MySQL/MariaDB table
// integrity monitoring up: the registration of the log_error() loadable
// function (contrib/mysql-udf) and AFTER INSERT/UPDATE/DELETE triggers that
// write one line per row change into the server's error log, in the shape
// the gossec MySQL pack decodes (gossec-mysql-integrity):
//
//	YYYY-MM-DD HH:MM:SS Table: <db>.<table>: <insert|update|delete>(<v1>,...) by <user>@<host>
//
// It also parses the output of a `mariadb -N -B` information_schema query
// into column lists, and names the logged columns whose names look secret
// (SecretColumns: password, hash, token, secret, key, ssn, card, matched
// as whole words of the name, so api_key and pwd_hash are flagged and
// monkey is not), since the triggers copy every logged value into the
// error log. It owns quoting of identifiers and string literals for
// that SQL and imports only the standard library.
package mysqltrig
