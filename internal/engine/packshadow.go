package engine

import (
	"slices"
	"strings"

	"github.com/gossec/gossec/rules"
)

// packSamples are lines of the MySQL pack's own logs, one per class whose
// routing operators rely on (the README mails mysql_table_changed to the
// DBA). ShadowedPack runs them to find local rules that take these events
// away from the pack.
var packSamples = []string{
	"2011-01-07 16:38:30 Table: acme.users: insert(7,xavier,zZDDIZ0NOlPzw) by admin@localhost",
	"2011-01-07 16:38:35 Table: acme.users: update(7,xavier,RjdqndSkxdjeX) by admin@localhost",
	"2011-01-07 16:38:53 Table: acme.users: delete(7,xavier,RjdqndSkxdjeX) by admin@localhost",
	"2026-11-21  8:42:34 13 [Warning] Access denied for user 'bob'@'10.0.0.5' (using password: YES)",
	"2026-11-21T08:01:00.000000Z 8 [Note] [MY-010926] [Server] Access denied for user 'root'@'198.51.100.7' (using password: YES)",
	"261121  8:50:01\t   21 Connect\tapp@10.0.0.8 on shop using TCP/IP",
	"2026-11-21  8:42:00 0 [Note] Starting MariaDB 10.11.6-MariaDB-0+deb12u1 source revision fecd78b83785 as process 4101",
	"2026-11-21  8:45:00 0 [ERROR] mariadbd got signal 11",
	`{"audit_record":{"name":"Connect","timestamp":"20261121 08:42:31","connection_id":"14","status":1045,"user":"bob","host":"10.0.0.5","db":"","server_host":"db1","query_id":"0","operation":"FAILED_CONNECT","object":""},"format":"mariadb-server-audit","mysql_audit_log":"percona"}`,
	`{"audit_record":{"name":"Query","timestamp":"20261121 08:42:41","command_class":"grant","connection_id":"13","status":0,"sqltext":"GRANT PROCESS, FILE ON *.* TO 'report'@'10.0.0.%'","user":"root","host":"localhost","db":"acme","server_host":"db1","query_id":"52","operation":"QUERY"},"format":"mariadb-server-audit","mysql_audit_log":"percona"}`,
	`{"audit_record":{"name":"Query","timestamp":"20261121 08:42:55","connection_id":"13","status":0,"sqltext":"DROP TRIGGER acme.gossec_users_ai","user":"root","host":"localhost","db":"acme","server_host":"db1","query_id":"66","operation":"QUERY"},"format":"mariadb-server-audit","mysql_audit_log":"percona"}`,
}

// Local rules: the id range OSSEC and Wazuh leave to the operator.
const localFirstID, localLastID = 100000, 119999

// Shadow is a local rule that takes a pack sample line before the pack
// rule written for it can see it.
type Shadow struct {
	Line    string      // the first sample line it takes
	Pack    *rules.Rule // the rule the line ends on with the pack alone
	By      *rules.Rule // the local rule it ends on in the checked ruleset
	Missing []string    // the pack rule's groups the local rule lacks
}

// ShadowedPack runs the MySQL pack's sample lines through rs. A line that
// ends on a local rule (ids 100000-119999) whose path did not go through
// the pack rule it ends on with the embedded ruleset alone is shadowed:
// its alerts lack the pack's class groups, so routing by those groups (e.g.
// <email_alerts><group>mysql_table_changed</group>) never sees it. A local
// child of the pack rule (if_sid) is tuning, not shadowing, and a local
// rule that carries every group of the pack rule routes like it (the
// documented fix for OSSEC's classic rule 100025). Lines whose pack rule
// is not loaded in rs are skipped; each (local rule, pack rule) pair is
// reported once.
func ShadowedPack(rs *Ruleset) []Shadow {
	emb, errs := Load(nil, LoadOptions{})
	if len(errs) > 0 {
		return nil
	}
	var out []Shadow
	for _, line := range packSamples {
		want := NewAnalyzer(emb, Options{Logtest: true, Hostname: "check"}).Analyze("check", line, nil).Match.Rule
		if want == nil || rs.Rules.Rule(want.ID) == nil {
			continue
		}
		var path pathTracer
		got := NewAnalyzer(rs, Options{Logtest: true, Hostname: "check"}).Analyze("check", line, &path).Match.Rule
		if got == nil || got.ID < localFirstID || got.ID > localLastID || path.matched[want.ID] {
			continue
		}
		pack := rs.Rules.Rule(want.ID)
		missing := missingGroups(pack.Groups, got.Groups)
		if len(missing) == 0 || slices.ContainsFunc(out, func(s Shadow) bool { return s.By == got && s.Pack == pack }) {
			continue
		}
		out = append(out, Shadow{Line: line, Pack: pack, By: got, Missing: missing})
	}
	return out
}

// missingGroups lists the groups of want (a rule's comma-separated group
// string) that have does not have.
func missingGroups(want, have string) []string {
	var out []string
	for _, g := range strings.Split(want, ",") {
		g = strings.TrimSpace(g)
		if g != "" && !slices.Contains(strings.Split(have, ","), g) {
			out = append(out, g)
		}
	}
	return out
}

// pathTracer records the rules that matched on the way to the result.
type pathTracer struct{ matched map[int]bool }

func (p *pathTracer) Trying(*rules.Rule) {}
func (p *pathTracer) Matched(r *rules.Rule) {
	if p.matched == nil {
		p.matched = map[int]bool{}
	}
	p.matched[r.ID] = true
}
func (p *pathTracer) TryingChildren() {}
