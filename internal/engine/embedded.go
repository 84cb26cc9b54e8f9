package engine

import (
	"io/fs"
	"os"
	"path"
	"strings"

	decdefaults "github.com/gossec/gossec/decoders/default"
	"github.com/gossec/gossec/internal/config"
	ruledefaults "github.com/gossec/gossec/rules/default"
)

// embeddedPrefix marks paths that are read from the binary, not the disk.
const embeddedPrefix = "embedded:"

// embeddedFiles lists the default ruleset compiled into the binary, in the
// order Wazuh would load it (sorted by base name).
func embeddedFiles() (*config.Files, []error) {
	dec, err1 := fs.Glob(decdefaults.FS, "*.xml")
	rul, err2 := fs.Glob(ruledefaults.FS, "*.xml")
	if err1 != nil || err2 != nil {
		return nil, []error{err1, err2}
	}
	f := &config.Files{Lists: map[string]string{}}
	for _, n := range dec {
		f.Decoders = append(f.Decoders, embeddedPrefix+path.Join("decoders", n))
	}
	for _, n := range rul {
		f.Rules = append(f.Rules, embeddedPrefix+path.Join("rules", n))
	}
	return f, nil
}

// readEmbedded reads a file named by embeddedFiles.
func readEmbedded(name string) ([]byte, error) {
	rest := name[len(embeddedPrefix):]
	dir, file := path.Split(rest)
	if dir == "decoders/" {
		return fs.ReadFile(decdefaults.FS, file)
	}
	return fs.ReadFile(ruledefaults.FS, file)
}

// readFile reads ruleset files, from the binary for embedded paths.
func readFile(name string) ([]byte, error) {
	if strings.HasPrefix(name, embeddedPrefix) {
		return readEmbedded(name)
	}
	return os.ReadFile(name)
}
