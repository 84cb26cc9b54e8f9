package tailer

import "bytes"

// The MySQL audit plugin (docs/mysql-formats.md §3) writes "</AUDIT>" and
// a newline when it closes its file, and removes them when it opens it
// again before appending: such a file shrinks a little without being
// rotated. The follower remembers a consumed closing tag (the anchor, or
// an unfinished line that is a prefix of one) and, when it disappears,
// goes on where the tag began instead of replaying the file.
var (
	auditLF   = []byte("</AUDIT>\n")
	auditTail = []byte("</AUDIT>\r\n")
)

// tail is the consumed tail that the audit plugin may remove: a finished
// "</AUDIT>" line, or an unfinished line that is a prefix of one.
func (f *follower) tail() (int64, []byte) {
	if len(f.head) == 0 {
		return f.anchorAt, f.anchor
	}
	if f.over == 0 && bytes.HasPrefix(auditTail, f.head) {
		return f.lineStart, f.head
	}
	return 0, nil
}

// auditTrim continues where the removed closing tag began: nothing before
// it is replayed.
func (f *follower) auditTrim(start int64) {
	f.r.t.total.auditTrims.Add(1)
	f.r.t.log.Info("audit closing tag removed, continuing", "path", f.where(), "offset", start)
	f.rewind(start)
}

// setAnchor remembers a "</AUDIT>" line: the plugin may remove it.
func (f *follower) setAnchor(l Line) {
	switch l.Text {
	case "</AUDIT>":
		f.anchor, f.anchorAt = auditLF, l.Start
	case "</AUDIT>\r":
		f.anchor, f.anchorAt = auditTail, l.Start
	default:
		f.anchor = nil
	}
}

func isAuditTag(b []byte) bool {
	return bytes.Equal(b, auditLF[:len(auditLF)-1]) || bytes.Equal(b, auditTail[:len(auditTail)-1])
}

// looksLikeAudit says whether the file is an XML audit log.
func (f *follower) looksLikeAudit() bool {
	b := f.scratch[:FingerprintSize]
	n, _ := f.file.ReadAt(b, 0)
	return bytes.Contains(b[:n], []byte("<AUDIT>"))
}

// detectAnchor finds a "</AUDIT>" line just before the start offset.
func (f *follower) detectAnchor() {
	f.anchor = nil
	if f.pos == 0 {
		return
	}
	b := f.readBefore(f.pos, len(auditTail)+1)
	for _, tag := range [][]byte{auditLF, auditTail} {
		if !bytes.HasSuffix(b, tag) {
			continue
		}
		at := f.pos - int64(len(tag))
		if at == 0 || (len(b) > len(tag) && b[len(b)-len(tag)-1] == '\n') {
			f.anchor, f.anchorAt = tag, at
		}
		return
	}
}
