package rules

import (
	"strings"

	"github.com/gossec/gossec/internal/event"
)

// compiledRules are the C predicates a <compiled_rule> names.
var compiledRules = map[string]func(*event.Event) bool{
	"comp_srcuser_dstuser":                  compSrcuserDstuser,
	"check_id_size":                         checkIDSize,
	"comp_mswin_targetuser_calleruser_diff": compMswinUsersDiffer,
	"is_simple_http_request":                isSimpleHTTPRequest,
	"is_valid_crawler":                      isValidCrawler,
}

// compSrcuserDstuser passes when srcuser equals dstuser or one is unset.
func compSrcuserDstuser(ev *event.Event) bool {
	s, ok1 := ev.Get(event.SrcUser)
	d, ok2 := ev.Get(event.DstUser)
	return !ok1 || !ok2 || s == d
}

// checkIDSize passes when id has at least 10 bytes.
func checkIDSize(ev *event.Event) bool {
	id, ok := ev.Get(event.ID)
	return ok && len(id) >= 10
}

// compMswinUsersDiffer passes when the "Target Account Name" and "Caller
// User Name" values of a Windows log differ; both must be present.
func compMswinUsersDiffer(ev *event.Event) bool {
	t := strings.Index(ev.Log, "Target Account Name")
	c := strings.Index(ev.Log, "Caller User Name")
	if t < 0 || c < 0 {
		return false
	}
	tc := strings.IndexByte(ev.Log[t:], ':')
	cc := strings.IndexByte(ev.Log[c:], ':')
	if tc < 0 || cc < 0 {
		return false
	}
	a, b := ev.Log[t+tc+1:], ev.Log[c+cc+1:]
	for i := 0; i < len(a); i++ {
		if i >= len(b) || a[i] != b[i] {
			return true
		}
		if a[i] == '\t' || a[i] == ' ' && i+1 < len(a) && a[i+1] == ' ' {
			break
		}
	}
	return false
}

// isSimpleHTTPRequest passes for a url "/" or without a query.
func isSimpleHTTPRequest(ev *event.Event) bool {
	u, ok := ev.Get(event.URL)
	return ok && (u == "/" || strings.IndexByte(u, '?') < 0)
}

// isSimpleHTTPGet is is_simple_http_request of OSSEC after its 4.2.0
// release: a request with an action other than GET (compared ignoring
// case) is never simple, so POST floods reach the rules it guards.
func isSimpleHTTPGet(ev *event.Event) bool {
	if a, ok := ev.Get(event.Action); ok && !strings.EqualFold(a, "GET") {
		return false
	}
	return isSimpleHTTPRequest(ev)
}

var crawlerPrefixes = []string{"66.249.", "72.14.", "209.85.", "65.55.", "207.46.", "74.6.", "72.30.", "67.195."}

// isValidCrawler passes when the log starts with a search-engine address.
func isValidCrawler(ev *event.Event) bool {
	for _, p := range crawlerPrefixes {
		if strings.HasPrefix(ev.Log, p) {
			return true
		}
	}
	return false
}
