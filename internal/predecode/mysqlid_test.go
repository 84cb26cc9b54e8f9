package predecode

import "testing"

// TestMySQLConnectionIDInHeader pins why the MySQL pack cannot decode the
// connection id of MySQL 5.7/8 error lines with ISO stamps: analysisd's
// header rules (which gossec keeps, for identical verdicts on Wazuh's
// ruleset) put it in the pre-decoder's fields, and decoders only see the
// log after the header. A "Z" stamp is cut at 31 bytes whatever its length
// (the id, or part of it, goes into the timestamp); a stamp with a zone
// offset is followed by a hostname, which the id becomes. (The log after a
// 31-byte cut starts one byte further, so a two-digit id also costs the
// "[" of the level: the pack's prematch allows for it.) MariaDB and
// MySQL 5.5 stamps ("2026-11-21 10:05:41 14 [Warning]") are not a header:
// their id reaches the decoders. The JSON sink ("thread") and the audit
// logs ("connection_id") carry it as well.
func TestMySQLConnectionIDInHeader(t *testing.T) {
	const msg = "[Warning] Access denied for user 'bob'@'10.0.0.5' (using password: YES)"
	tests := []struct {
		line, timestamp, hostname, log string
	}{
		{"2026-11-21T10:00:01.000001Z 12 " + msg, "2026-11-21T10:00:01.000001Z 12 ", "", msg[1:]},
		{"2026-11-21T10:00:01.000001Z 123 " + msg, "2026-11-21T10:00:01.000001Z 123", "", msg},
		{"2026-11-21T10:00:01.000001+01:00 12 " + msg, "2026-11-21T10:00:01.000001+01:00", "12", msg},
		{"2026-11-21 10:05:41 14 " + msg, "", "", "2026-11-21 10:05:41 14 " + msg},
	}
	for _, tc := range tests {
		h := Parse(tc.line)
		if h.Timestamp != tc.timestamp || h.Hostname != tc.hostname || h.Log != tc.log {
			t.Errorf("Parse(%q) = timestamp %q, hostname %q, log %q; want %q, %q, %q",
				tc.line, h.Timestamp, h.Hostname, h.Log, tc.timestamp, tc.hostname, tc.log)
		}
	}
}
