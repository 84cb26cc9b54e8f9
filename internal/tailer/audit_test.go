package tailer_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/positions"
	"github.com/gossec/gossec/internal/tailer"
)

const auditHead = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<AUDIT>\n"

func auditRecord(n int) string {
	return fmt.Sprintf(` <AUDIT_RECORD NAME="Query" RECORD="%d_2026-11-21T09:00:00" TIMESTAMP="2026-11-21T09:00:0%d UTC"/>`, n, n%10)
}

// reopenAudit does what the audit plugin does when it opens its file:
// remove the closing tag, then append.
func reopenAudit(t *testing.T, path, tag, appended string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, fi.Size()-int64(len(tag))); err != nil {
		t.Fatal(err)
	}
	if appended != "" {
		appendFile(t, path, appended)
	}
}

func TestAuditTrimNotReplayed(t *testing.T) {
	for _, nl := range []string{"\n", "\r\n"} {
		tag := "</AUDIT>" + nl
		for _, waitTrim := range []bool{true, false} {
			name := fmt.Sprintf("crlf=%v/trim-seen-first=%v", nl == "\r\n", waitTrim)
			t.Run(name, func(t *testing.T) {
				eachMode(t, func(t *testing.T, m mode) {
					if !waitTrim && !m.noNotify {
						m.poll, m.noNotify = 300*time.Millisecond, true // trim and append land between two polls
					}
					body := auditHead + auditRecord(1) + nl + tag
					_, path := tempLog(t, "audit.log", body)
					h := start(t, m.config(path))
					h.waitLines(4)
					if waitTrim {
						reopenAudit(t, path, tag, "")
						h.waitStats("trim seen", func(s tailer.Stats) bool { return s.AuditTrims == 1 })
						appendFile(t, path, auditRecord(2)+nl+auditRecord(3)+nl)
					} else {
						reopenAudit(t, path, tag, auditRecord(2)+nl+auditRecord(3)+nl)
					}
					ls := h.waitLines(6)
					h.quiet(6, 50*time.Millisecond)
					cr := nl[:len(nl)-1]
					wantTexts(t, ls, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<AUDIT>",
						auditRecord(1)+cr, "</AUDIT>"+cr, auditRecord(2)+cr, auditRecord(3)+cr)
					if want := int64(len(body) - len(tag)); ls[4].Start != want {
						t.Errorf("first record after the trim starts at %d, want %d", ls[4].Start, want)
					}
					if s := h.tl.Stats(); s.AuditTrims != 1 || s.Truncations != 0 {
						t.Errorf("AuditTrims=%d Truncations=%d, want 1 and 0", s.AuditTrims, s.Truncations)
					}
				})
			})
		}
	}
}

// TestAuditTrimOfUnfinishedTag: the closing tag had no newline yet.
func TestAuditTrimOfUnfinishedTag(t *testing.T) {
	eachMode(t, func(t *testing.T, m mode) {
		_, path := tempLog(t, "audit.log", auditHead+auditRecord(1)+"\n</AUDIT>")
		h := start(t, m.config(path))
		h.waitLines(3)
		reopenAudit(t, path, "</AUDIT>", auditRecord(2)+"\n")
		ls := h.waitLines(4)
		h.quiet(4, 50*time.Millisecond)
		if ls[3].Text != auditRecord(2) {
			t.Fatalf("lines %q, want the new record last and no tag", texts(ls))
		}
	})
}

// TestAuditTrimWhileStopped: the plugin restarted while we were down.
func TestAuditTrimWhileStopped(t *testing.T) {
	for _, appended := range []string{"", auditRecord(2) + "\n"} {
		t.Run(fmt.Sprintf("append=%v", appended != ""), func(t *testing.T) {
			dir, path := tempLog(t, "audit.log", auditHead+auditRecord(1)+"\n</AUDIT>\n")
			store, _ := positions.Open(filepath.Join(dir, "p.json"))
			cfg := modes[1].config(path)
			cfg.Positions = store
			h := start(t, cfg)
			ls := h.waitLines(4)
			store.Set(ls[3].ID, ls[3].Entry(time.Now()))
			h.stop()
			reopenAudit(t, path, "</AUDIT>\n", appended)
			h = start(t, cfg)
			appendFile(t, path, auditRecord(3)+"\n")
			want := []string{auditRecord(3)}
			if appended != "" {
				want = []string{auditRecord(2), auditRecord(3)}
			}
			ls = h.waitLines(len(want))
			h.quiet(len(want), 50*time.Millisecond)
			wantTexts(t, ls, want...)
		})
	}
}

// TestShrinkIsTruncation: outside the audit case, a file that shrank below
// our offset restarts at 0.
func TestShrinkIsTruncation(t *testing.T) {
	_, path := tempLog(t, "app.log", "a\nb\nxyz\n")
	h := start(t, modes[1].config(path))
	h.waitLines(3)
	os.Truncate(path, 4)
	ls := h.waitLines(5)
	wantTexts(t, ls, "a", "b", "xyz", "a", "b")
	if s := h.tl.Stats(); s.Truncations != 1 || s.AuditTrims != 0 {
		t.Errorf("Truncations=%d AuditTrims=%d, want 1 and 0", s.Truncations, s.AuditTrims)
	}
}
