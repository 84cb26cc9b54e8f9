package engine

import (
	"path/filepath"
	"testing"

	"github.com/gossec/gossec/internal/config"
)

// benchLoad measures the whole load of a ruleset home: the configuration,
// the files it names, the decoders, the rules and the lists, as
// `gossec check` does it.
func benchLoad(b *testing.B, home string) {
	b.ReportAllocs()
	for b.Loop() {
		cfg, errs := config.Load(filepath.Join(home, "etc", "ossec.conf"), nil)
		if len(errs) > 0 {
			b.Fatal(errs)
		}
		if _, errs := Load(cfg, LoadOptions{Home: home}); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}

func BenchmarkLoadOSSEC(b *testing.B) {
	benchLoad(b, filepath.Join(sharedDir(b), "compat", "ossec-4.2"))
}

func BenchmarkLoadWazuh(b *testing.B) {
	benchLoad(b, filepath.Join(sharedDir(b), "compat", "wazuh-4.9.2"))
}

func BenchmarkLoadEmbedded(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := Load(nil, LoadOptions{}); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}
