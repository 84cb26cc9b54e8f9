package cli

import (
	"strings"
	"testing"
)

// TestEngineFlag: --engine selects the release (here Wazuh 4.9 against the
// default, the newest: a JSON "user" stays a dynamic field before 4.14.1),
// and a bad value is a usage error.
func TestEngineFlag(t *testing.T) {
	const line = `{"event":"login","user":"app"}` + "\n"
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, `"dstuser":"app"`},
		{[]string{"--engine", "wazuh-4.9"}, `"user":"app"`},
		{[]string{"--engine", "wazuh-4.14.1"}, `"dstuser":"app"`},
	} {
		code, out, errs := run(t, Logtest, append(tt.args, "--json"), line)
		if code != ExitOK {
			t.Fatalf("%v: exit %d: %s", tt.args, code, errs)
		}
		if !strings.Contains(out, tt.want) {
			t.Errorf("%v: %s, want %s in it", tt.args, out, tt.want)
		}
	}
	for _, cmd := range []struct {
		name string
		f    func([]string, Streams) int
		args []string
	}{
		{"logtest", Logtest, nil}, {"check", Check, nil}, {"replay", Replay, []string{"x.log"}}, {"test", Test, []string{"x.ini"}},
	} {
		code, _, errs := run(t, cmd.f, append([]string{"--engine", "wazuh-x"}, cmd.args...), "")
		if code != ExitUsage || !strings.Contains(errs, "wazuh-x") {
			t.Errorf("%s --engine wazuh-x: exit %d, stderr %q; want usage error naming the value", cmd.name, code, errs)
		}
	}
}
