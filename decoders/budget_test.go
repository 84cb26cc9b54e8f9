package decoders

import (
	"strings"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/osregex"
	"github.com/gossec/gossec/internal/xmlconf"
)

const budgetDecoders = `<decoder name="hostile-pre">
  <prematch type="pcre2">(?=(x+)+y)</prematch>
</decoder>
<decoder name="ok-parent">
  <prematch>^ok </prematch>
</decoder>
<decoder name="hostile-regex">
  <parent>ok-parent</parent>
  <regex type="pcre2">(?=(a+)+b)(\S+)</regex>
  <order>data, id</order>
</decoder>
`

// TestDecodeInBudget: a cut prematch is no match (the next decoder is
// tried) and a cut regex stops the chain; each cut names its decoder, and
// the event stays within its budget.
func TestDecodeInBudget(t *testing.T) {
	var warns []string
	path := writeDecoders(t, budgetDecoders)
	s, errs := Load([]string{path}, LoadOptions{Warn: func(p xmlconf.Pos, m string) { warns = append(warns, p.String()+": "+m) }})
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	st := NewState()
	const limit = 20 * time.Millisecond
	b := osregex.NewBudget(limit, nil)
	for _, c := range []struct {
		log, dec, owner string
	}{
		{strings.Repeat("x", 40) + "!", "", "hostile-pre"},
		{"ok " + strings.Repeat("a", 40) + "!", "ok-parent", "hostile-regex"},
	} {
		b.Reset()
		ev := newEvent(c.log, "", false)
		start := time.Now()
		s.DecodeIn(ev, st, b)
		took := time.Since(start)
		if got, _, _ := strings.Cut(decoderOf(ev), "|"); got != c.dec {
			t.Errorf("%q: decoder %q, want %q", c.log, got, c.dec)
		}
		if _, ok := ev.Get(idField); ok {
			t.Errorf("%q: id decoded by a cut regex", c.log)
		}
		cuts := b.Cuts()
		if len(cuts) == 0 || cuts[0].OwnerKind != "decoder" || cuts[0].Owner != c.owner {
			t.Errorf("%q: cuts %+v, want one owned by decoder %s", c.log, cuts, c.owner)
		}
		if took > limit+time.Second { // a sanity bound; the cuts are the property
			t.Errorf("%q: took %v with a %v budget", c.log, took, limit)
		}
	}
	// A quick subject decodes as usual.
	b.Reset()
	ev := newEvent("ok aab", "", false)
	s.DecodeIn(ev, st, b)
	if v, _ := ev.Get(idField); !strings.HasPrefix(decoderOf(ev), "ok-parent|") || v != "aab" || len(b.Cuts()) != 0 {
		t.Errorf("ok aab: decoder %q id %q cuts %v", decoderOf(ev), v, b.Cuts())
	}
	// Both hazardous patterns were reported at load, at their element.
	joined := strings.Join(warns, "\n")
	for _, want := range []string{":2:3: decoder \"hostile-pre\"", ":9:3: decoder \"hostile-regex\""} {
		if !strings.Contains(joined, want) || !strings.Contains(joined, "backtracking") {
			t.Errorf("no backtracking warning %q in:\n%s", want, joined)
		}
	}
}
