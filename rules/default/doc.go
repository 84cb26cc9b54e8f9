// Package defaults embeds gossec's own default rules (the *.xml files of
// this folder). The engine compiles them when a configuration names no
// ruleset, and install.sh installs them as editable files. They are
// written for gossec: decoder names start with "gossec-", rule ids sit in
// 250000-269999 (plus the category roots 1-7).
//
// Imports: embed only.
package defaults
