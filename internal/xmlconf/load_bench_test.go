package xmlconf

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParseRuleset parses every rule and decoder file of the Wazuh
// 4.9.2 ruleset, the largest the repository is checked with.
func BenchmarkParseRuleset(b *testing.B) {
	root := filepath.Join("..", "..", "..", "shared", "compat", "wazuh-4.9.2", "ruleset")
	files, _ := filepath.Glob(filepath.Join(root, "*", "*.xml"))
	if len(files) == 0 {
		b.Skip("shared compatibility data not present")
	}
	var data [][]byte
	size := 0
	for _, f := range files {
		d, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		data = append(data, d)
		size += len(d)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for i, d := range data {
			if _, err := Parse(files[i], d); err != nil {
				b.Fatal(err)
			}
		}
	}
}
