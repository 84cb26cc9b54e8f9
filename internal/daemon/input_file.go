package daemon

import (
	"context"
	"path/filepath"
	"time"

	"github.com/gossec/gossec/internal/config"
	"github.com/gossec/gossec/internal/logformat"
	"github.com/gossec/gossec/internal/positions"
	"github.com/gossec/gossec/internal/tailer"
)

// flushCheck is how often pending multi-line groups are checked against
// their framer's deadline.
const flushCheck = 500 * time.Millisecond

// runLocalFile follows the files of one <localfile> and turns their lines
// into events with the configured log_format. One framer per file keeps
// multi-line state from mixing between files.
func (d *daemon) runLocalFile(ctx context.Context, lf config.LocalFile, items chan<- item) {
	if lf.Command != "" {
		d.runCommand(ctx, lf, items)
		return
	}
	filter, err := newLineFilter(lf)
	if err != nil {
		d.log.Error("localfile", "location", lf.Location, "error", err)
		return
	}
	t, err := tailer.New(tailer.Config{
		Patterns:         []string{d.abs(lf.Location)},
		Exclude:          absAll(d, lf.Exclude),
		OnlyFutureEvents: lf.OnlyFutureEvents,
		Positions:        d.pos,
		Clock:            d.opt.Clock,
		Logger:           d.log.With("location", lf.Location),
	})
	if err != nil {
		d.log.Error("localfile", "location", lf.Location, "error", err)
		d.stats.InputErrors.Add(1)
		return
	}
	defer d.srcs.addTailer(t)()
	lines := make(chan tailer.Line, 256)
	go func() {
		defer close(lines)
		if err := t.Run(ctx, lines); err != nil && ctx.Err() == nil {
			d.log.Error("tailer stopped", "location", lf.Location, "error", err)
			d.stats.InputErrors.Add(1)
		}
	}()
	f := &fileFramers{d: d, lf: lf, filter: filter, items: items, framers: map[tailer.FileID]*framed{}}
	f.run(lines)
}

type framed struct {
	fr          logformat.Framer
	path        string
	fingerprint positions.Fingerprint
}

// fileFramers turns the lines of every file of one <localfile> into items.
type fileFramers struct {
	d       *daemon
	lf      config.LocalFile
	filter  *lineFilter
	items   chan<- item
	framers map[tailer.FileID]*framed
}

func (f *fileFramers) run(lines <-chan tailer.Line) {
	tick := time.NewTicker(flushCheck)
	defer tick.Stop()
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				f.flushAll(true)
				return
			}
			f.line(l)
		case <-tick.C:
			f.flushAll(false)
		}
	}
}

func (f *fileFramers) line(l tailer.Line) {
	fr := f.framers[l.ID]
	if fr == nil {
		var err error
		fr = &framed{path: l.Path}
		if fr.fr, err = logformat.New(f.lf.LogFormat, framerOptions(f.lf, f.dropped(l.Path), f.nulCut(l.Path))); err != nil {
			f.d.log.Error("log_format", "location", f.lf.Location, "error", err)
			return
		}
		f.framers[l.ID] = fr
	}
	fr.fingerprint = l.Fingerprint
	f.send(l.ID, fr, fr.fr.Push(l.Text, l.End, f.d.opt.Clock()))
}

// flushAll hands on pending groups whose timeout passed (all of them at
// the end).
func (f *fileFramers) flushAll(final bool) {
	now := f.d.opt.Clock()
	for id, fr := range f.framers {
		if dl, ok := fr.fr.Deadline(); final || (ok && !now.Before(dl)) {
			f.send(id, fr, fr.fr.Flush(now))
		}
	}
}

// dropped reports a line or record the framer could not turn into an
// event: counted and logged with the file and offset, never silent.
func (f *fileFramers) dropped(path string) func(error) {
	return func(err error) {
		f.d.stats.UnparsedRecords.Add(1)
		f.d.log.Warn("record not parsed", "file", path, "error", err)
	}
}

// nulCut reports a line cut at a NUL byte: the text before it is
// analysed, the cut counted and logged with what was left out.
func (f *fileFramers) nulCut(path string) func(*logformat.NULError) {
	return func(e *logformat.NULError) {
		f.d.stats.NULTruncated.Add(1)
		f.d.log.Warn("line cut at a NUL byte", "file", path, "error", e)
	}
}

func (f *fileFramers) send(id tailer.FileID, fr *framed, evs []logformat.Event) {
	location := fr.path
	if f.lf.Alias != "" {
		location = f.lf.Alias
	}
	for _, ev := range evs {
		if !f.filter.keep(ev.Text) {
			f.d.stats.IgnoredByConfig.Add(1)
			continue
		}
		f.items <- item{
			location: location,
			text:     ev.Text,
			pos: &filePos{
				id:    id,
				entry: positions.Entry{Path: fr.path, Offset: ev.End, Fingerprint: fr.fingerprint, Updated: f.d.opt.Clock()},
			},
		}
	}
}

func (d *daemon) abs(p string) string { return underHome(d.opt.Home, p) }

// underHome is where the service looks for a configured path: a relative
// one is taken from home (when set).
func underHome(home, p string) string {
	if filepath.IsAbs(p) || home == "" {
		return p
	}
	return filepath.Join(home, p)
}

func absAll(d *daemon, ps []string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = d.abs(p)
	}
	return out
}

func framerOptions(lf config.LocalFile, onError func(error), onNUL func(*logformat.NULError)) logformat.Options {
	o := logformat.Options{
		Regex:   lf.Multiline.Pattern,
		Match:   lf.Multiline.Match,
		Replace: lf.Multiline.Replace,
		Timeout: lf.Multiline.Timeout,
		OnError: onError,
		OnNUL:   onNUL,
	}
	for _, l := range lf.Labels {
		o.Labels = append(o.Labels, logformat.Label{Key: l.Key, Value: l.Value})
	}
	return o
}

// FramerOptions are the logformat options of a <localfile> as the service
// uses them (multi-line settings, labels), for tools that replay its files.
func FramerOptions(lf config.LocalFile) logformat.Options {
	return framerOptions(lf, nil, nil)
}
