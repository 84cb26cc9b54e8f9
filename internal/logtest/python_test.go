package logtest

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// pythonStr asks a real Python 3 for str(json.loads(v)) of every input, the
// conversion the wazuh-logtest client applies to each printed value.
const pythonStr = `
import json, sys
vals = json.load(sys.stdin)
json.dump([str(json.loads(v)) for v in vals], sys.stdout)
`

// TestPyStrAgainstPython compares the Go rendering of values with Python's
// own, when a python3 is available.
func TestPyStrAgainstPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	inputs := []string{
		`"plain"`, `"it's"`, `"say \"hi\""`, `"both ' and \""`, `"back\\slash"`,
		`["a", "it's", "say \"hi\"", "both ' and \"", "\\", "\t\n\r\u0001\u007f"]`,
		`["\u00a0\u00ad\u00e9\u0378\u200b\u2028\u3000\ud83d\ude00\udb40\udc01\ufeff\ufffd"]`,
		`[1, -0, 0, 12345678901234567890, 1.0, -0.0, 0.1, 1e-4, 1e-5, 1e15, 1e16, 1e22, 1.5e300, 1e400, -1e400, 5e-324, 2.5E-7, 123.456e5, 0.30000000000000004]`,
		`[true, false, null, [], {}, [[]], {"a": {"b": [1, "x"]}}]`,
		`{"z": 1, "a": "it's", "m": null, "k": [true]}`,
		`{"dup": 1, "x": 2, "dup": 3}`,
		`[9007199254740993, 1.7976931348623157e308, 2.2250738585072014e-308, 100, 1e0, 12e-1]`,
	}
	for i := 0; i < 40; i++ {
		// Exponents around the positional/scientific switch points.
		inputs = append(inputs, `[1.5e`+itoa(i-20)+`, 7e`+itoa(i-20)+`]`)
	}
	stdin, _ := json.Marshal(inputs)
	cmd := exec.Command(py, "-c", pythonStr)
	cmd.Stdin = strings.NewReader(string(stdin))
	outb, err := cmd.Output()
	if err != nil {
		t.Skipf("python3 failed: %v", err)
	}
	var want []string
	if err := json.Unmarshal(outb, &want); err != nil {
		t.Fatal(err)
	}
	for i, in := range inputs {
		v, err := parseJSON([]byte(in))
		if err != nil {
			t.Fatalf("parseJSON(%s): %v", in, err)
		}
		if got := string(pyStr(nil, v)); got != want[i] {
			t.Errorf("str(%s)\n got %s\nwant %s", in, got, want[i])
		}
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}
