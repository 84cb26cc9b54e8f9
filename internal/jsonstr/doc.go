// Package jsonstr writes JSON strings the way every gossec JSON producer
// (alerts.json, audit records, labelled events) needs them: cJSON's
// escaping (\" \\ \b \f \n \r \t, other control bytes as \u00XX, '/' and
// UTF-8 left as they are), and each byte that is not valid UTF-8 replaced
// by U+FFFD so the output always parses.
//
// Imports: the standard library only.
package jsonstr
