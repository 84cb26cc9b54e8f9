// Package cdb holds the CDB lists that rules consult through <list>
// elements. analysisd compiles each text list ("key:value" lines) into a
// constant database on disk; gossec reads the text form and keeps the
// same key/value mapping in memory, with the same parsing rules (quoted
// keys and values, first duplicate wins) and the same lookups, including
// the address lookups that retry with the key cut after each '.'.
//
// Lists are immutable after Load and safe for concurrent use.
//
// Imports: standard library and internal/osregex (the OS_Match value
// checks of the *_key_value lookups).
package cdb
