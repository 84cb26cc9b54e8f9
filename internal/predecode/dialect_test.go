package predecode

import "testing"

// TestParseDialect runs every line in both dialects. The expectations come
// from reading each analysisd's OS_CleanMSG: Wazuh 4.9.2 (the spec's table)
// and ossec-hids src/analysisd/cleanevent.c.
func TestParseDialect(t *testing.T) {
	const xfer = "Mon Apr 17 18:27:14 2006 1 64.160.42.130 5450 /home/f b _ o r user ftp 0 * c"
	tests := []struct {
		name         string
		line         string
		wazuh, ossec want
	}{
		// ISO 8601 with a fraction.
		{"iso fraction Z", "2021-04-21T10:16:09.404756Z host prog: msg",
			want{"2021-04-21T10:16:09.404756Z hos", "-", "prog", "msg"},
			want{"", "-", "-", "2021-04-21T10:16:09.404756Z host prog: msg"}},
		{"iso fraction mongodb", "2017-03-27T19:32:31.916+0200 I NETWORK  [conn1] end connection",
			want{"2017-03-27T19:32:31.916+0200 I ", "ETWORK", "-", " [conn1] end connection"},
			want{"", "-", "-", "2017-03-27T19:32:31.916+0200 I NETWORK  [conn1] end connection"}},
		{"iso fraction comma", "2009-05-22T09:36:46,214994-07:00 host prog[9]: msg",
			want{"", "-", "-", "2009-05-22T09:36:46,214994-07:00 host prog[9]: msg"},
			want{"2009-05-22T09:36:46,214994-07:00", "host", "prog", "msg"}},
		{"iso fraction colon at 26", "2022-12-19T15:02:53.288+00:00 host sshd[1]: x",
			want{"2022-12-19T15:02:53.288+00:00", "host", "sshd", "x"},
			want{"2022-12-19T15:02:53.288+00:00", "host", "sshd", "x"}},
		{"iso fraction colon at 29", "2009-05-22T09:36:46.214994-07:00 host prog[9]: msg",
			want{"2009-05-22T09:36:46.214994-07:00", "host", "prog", "msg"},
			want{"2009-05-22T09:36:46.214994-07:00", "host", "prog", "msg"}},
		{"iso fraction colon at 24", "2007-06-14T15:48:55.3-04:00 host prog: msg",
			want{"2007-06-14T15:48:55.3-04:00 hos", "-", "prog", "msg"},
			want{"2007-06-14T15:48:55.3-04:00", "host", "prog", "msg"}},
		{"iso fraction two spaces", "2022-12-19T15:02:53.288+00:00  host sshd[1]: x",
			want{"2022-12-19T15:02:53.288+00:00", "host", "sshd", "x"},
			want{"2022-12-19T15:02:53.288+00:00", "", "-", "host sshd[1]: x"}},
		{"iso fraction colon in hostname", "2021-01-01T09:09:09.1Z host:x prog: message",
			want{"2021-01-01T09:09:09.1Z host:x p", "-", "og", "message"},
			want{"2021-01-01T09:09:09.1Z host:x ", "-", "prog", "message"}},
		{"iso without fraction", "2007-06-14T15:48:55-04:00 host prog: msg",
			want{"2007-06-14T15:48:55-04:00", "host", "prog", "msg"},
			want{"2007-06-14T15:48:55-04:00", "host", "prog", "msg"}},

		// proftpd: OSSEC stops on the space after the stamp.
		{"proftpd", "2015-04-16 21:51:02,805 wazuh-agent01 AUTH:INFO sshd[223468]: LOG BODY",
			want{"2015-04-16 21:51:02,805", "wazuh-agent01", "AUTH", "INFO sshd[223468]: LOG BODY"},
			want{"2015-04-16 21:51:02,805", "wazuh-agent01", "-", "AUTH:INFO sshd[223468]: LOG BODY"}},
		{"proftpd two spaces", "2015-04-16 21:51:02,805  host prog: m",
			want{"2015-04-16 21:51:02,805", "host", "prog", "m"},
			want{"2015-04-16 21:51:02,805", "", "-", "host prog: m"}},

		// Headers only one of them knows.
		{"sophos utm", `2019:11:06-00:08:03 utm ulogd[123]: id="2001"`,
			want{"", "-", "-", `2019:11:06-00:08:03 utm ulogd[123]: id="2001"`},
			want{"2019:11:06-00:08:03", "utm", "ulogd", `id="2001"`}},
		{"sophos byte 19 not tested", "2019:11:06-00:08:03Xutm p: m",
			want{"", "-", "-", "2019:11:06-00:08:03Xutm p: m"},
			want{"2019:11:06-00:08:03", "utm", "p", "m"}},
		{"sophos 20 bytes", "2019:11:06-00:08:03 ",
			want{"", "-", "-", "2019:11:06-00:08:03 "},
			want{"2019:11:06-00:08:03", "-", "-", ""}},
		{"sophos 19 bytes", "2019:11:06-00:08:03",
			want{"", "-", "-", "2019:11:06-00:08:03"},
			want{"", "-", "-", "2019:11:06-00:08:03"}},
		{"macos uls", "2021-04-21 10:16:09.404756-0700 wazuh-agent01 AUTH:INFO sshd[223468]: LOG BODY",
			want{"2021-04-21 10:16:09.404756-0700", "wazuh-agent01", "AUTH", "INFO sshd[223468]: LOG BODY"},
			want{"", "-", "-", "2021-04-21 10:16:09.404756-0700 wazuh-agent01 AUTH:INFO sshd[223468]: LOG BODY"}},

		// Program names.
		{"prog colon space", "Dec 29 10:00:01 host prog: msg",
			want{"Dec 29 10:00:01", "host", "prog", "msg"},
			want{"Dec 29 10:00:01", "host", "prog", "msg"}},
		{"prog colon no space", "Dec 29 10:00:01 host prog:msg",
			want{"Dec 29 10:00:01", "host", "prog", "msg"},
			want{"Dec 29 10:00:01", "host", "-", "prog:msg"}},
		{"prog colon at end", "Dec 29 10:00:01 host prog:",
			want{"Dec 29 10:00:01", "host", "prog", ""},
			want{"Dec 29 10:00:01", "host", "-", "prog:"}},
		{"prog pid colon no space", "Dec 29 10:00:01 host prog[12]:msg",
			want{"Dec 29 10:00:01", "host", "prog", "msg"},
			want{"Dec 29 10:00:01", "host", "-", "prog[12]:msg"}},
		{"prog pid colon at end", "Dec 29 10:00:01 host prog[12]:",
			want{"Dec 29 10:00:01", "host", "prog", ""},
			want{"Dec 29 10:00:01", "host", "-", "prog[12]:"}},
		{"prog pid space", "Dec 29 10:00:01 host prog[12] msg",
			want{"Dec 29 10:00:01", "host", "prog", "msg"},
			want{"Dec 29 10:00:01", "host", "prog", "msg"}},
		{"solaris needs colon space in both", "Dec 29 10:00:01 sshd:Accepted x",
			want{"Dec 29 10:00:01", "-", "-", "sshd:Accepted x"},
			want{"Dec 29 10:00:01", "-", "-", "sshd:Accepted x"}},
		{"aix", "Dec 29 10:00:01 host auth|security:info sshd: msg",
			want{"Dec 29 10:00:01", "host", "sshd", "msg"},
			want{"Dec 29 10:00:01", "host", "sshd", "msg"}},
		{"aix colon without space runs to the end", "Dec 29 10:00:01 host auth|security:info sshd:msg",
			want{"Dec 29 10:00:01", "host", "sshd:msg", ":msg"},
			want{"Dec 29 10:00:01", "host", "sshd:msg", ":msg"}},
		{"aix pid without colon truncates log", "Dec 29 10:00:01 host auth|security:info sshd[12] msg",
			want{"Dec 29 10:00:01", "host", "sshd", "auth|security:info sshd"},
			want{"Dec 29 10:00:01", "host", "sshd", "auth|security:info sshd"}},

		// [ID …] blocks.
		{"id block", "Dec 29 10:00:01 host sshd[123]: [ID 800047 auth.info] Accepted",
			want{"Dec 29 10:00:01", "host", "sshd", "Accepted"},
			want{"Dec 29 10:00:01", "host", "sshd", "Accepted"}},
		{"id block bracket without space", "Dec 29 10:00:01 host sshd: [ID 1 a.b]x] y",
			want{"Dec 29 10:00:01", "host", "sshd", "] y"},
			want{"Dec 29 10:00:01", "host", "sshd", "y"}},
		{"id block at end", "Dec 29 10:00:01 host sshd: [ID 1 a.b]",
			want{"Dec 29 10:00:01", "host", "sshd", ""},
			want{"Dec 29 10:00:01", "host", "sshd", "[ID 1 a.b]"}},

		// Formats without hostname parsing.
		{"xferlog", xfer,
			want{"Mon Apr 17 18:27:14 2006", "-", "-", xfer[25:]},
			want{"Mon Apr 17 18:27:14 2006", "-", "-", xfer[24:]}},
		{"snort", "01/28-09:13:16.240702  [**] [1:2003:8] x [**]",
			want{"01/28-09:13:16.240702", "-", "-", "[**] [1:2003:8] x [**]"},
			want{"01/28-09:13:16.240702", "-", "-", "[**] [1:2003:8] x [**]"}},
		{"apache", "[Fri Feb 11 18:06:35 2004] [warn] [client 1.2.3.4] x",
			want{"Fri Feb 11 18:06:35 2004", "-", "-", "[warn] [client 1.2.3.4] x"},
			want{"Fri Feb 11 18:06:35 2004", "-", "-", "[warn] [client 1.2.3.4] x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if h := Parse(tt.line); h != ParseDialect(tt.line, Wazuh) {
				t.Errorf("Parse(%q) differs from ParseDialect(Wazuh)", tt.line)
			}
			t.Run("wazuh", func(t *testing.T) { tt.wazuh.check(t, tt.line, ParseDialect(tt.line, Wazuh)) })
			t.Run("ossec", func(t *testing.T) { tt.ossec.check(t, tt.line, ParseDialect(tt.line, OSSEC)) })
		})
	}
}
