// Package defaults embeds gossec's own default decoders, used when a
// configuration names no ruleset and installed as editable files.
package defaults

import "embed"

// FS holds the *.xml decoder files of this folder.
//
//go:embed *.xml
var FS embed.FS
