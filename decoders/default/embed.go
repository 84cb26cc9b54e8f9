package defaults

import "embed"

// FS holds the *.xml decoder files of this folder.
//
//go:embed *.xml
var FS embed.FS
