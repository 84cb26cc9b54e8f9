package daemon

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/gossec/gossec/internal/config"
)

// input is one running <localfile> or <remote> section. Inputs live
// across reloads: a reload stops only those whose section was removed or
// changed and starts only the new or changed ones, so an unchanged syslog
// listener keeps its connections and an unchanged tailer its state.
type input struct {
	key    string // the section's settings, positions in the file left out
	name   string // for logs: "localfile logs/auth.log", "remote tcp/514"
	cancel context.CancelFunc
	done   chan struct{} // closed once the input sent its last item
}

// inputSpec is an input to start: its identity and its body.
type inputSpec struct {
	key, name string
	run       func(ctx context.Context, items chan<- item)
}

// specs lists the inputs cfg configures, in configuration order.
func (d *daemon) specs(cfg *config.Config) []inputSpec {
	var out []inputSpec
	for _, lf := range cfg.LocalFiles {
		name := "localfile " + lf.Location
		if lf.Command != "" {
			name = "command " + lf.Command
		}
		out = append(out, inputSpec{key: "localfile " + settingsKey(lf), name: name,
			run: func(ctx context.Context, items chan<- item) { d.runLocalFile(ctx, lf, items) }})
	}
	for _, r := range cfg.Remotes {
		key := "remote " + settingsKey(r)
		if r.CertFile != "" {
			// The certificate is read when the listener starts: a renewed
			// one (same path, new content) is a change that restarts it.
			key += " cert:" + fileStamp(d.abs(r.CertFile)) + " key:" + fileStamp(d.abs(r.KeyFile))
		}
		out = append(out, inputSpec{key: key, name: "remote " + r.Protocol + "/" + strconv.Itoa(r.Port),
			run: func(ctx context.Context, items chan<- item) { d.runRemote(ctx, r, items) }})
	}
	return out
}

// start runs one input until its context is cancelled.
func (d *daemon) start(parent context.Context, s inputSpec) *input {
	ctx, cancel := context.WithCancel(parent)
	in := &input{key: s.key, name: s.name, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(in.done)
		s.run(ctx, d.items)
	}()
	return in
}

// planInputs matches the running inputs against the wanted ones by their
// settings: kept are reused as they are, stop are running inputs no
// longer wanted (removed or changed sections), start the wanted ones with
// no running match. A section written twice is matched twice. An input
// that has ended (it failed to start: a port in use, a bad pattern) is
// never kept, so a reload tries it again.
func planInputs(running []*input, want []inputSpec) (kept, stop []*input, start []inputSpec) {
	free := map[string][]*input{}
	for _, in := range running {
		if in.ended() {
			stop = append(stop, in)
			continue
		}
		free[in.key] = append(free[in.key], in)
	}
	for _, s := range want {
		if l := free[s.key]; len(l) > 0 {
			kept = append(kept, l[0])
			free[s.key] = l[1:]
			continue
		}
		start = append(start, s)
	}
	for _, in := range running {
		if l := free[in.key]; len(l) > 0 && l[0] == in {
			stop = append(stop, in)
			free[in.key] = l[1:]
		}
	}
	return kept, stop, start
}

// ended reports whether the input's goroutine has returned.
func (in *input) ended() bool {
	select {
	case <-in.done:
		return true
	default:
		return false
	}
}

// stopInputs cancels ins and waits until each has sent its last item,
// analysing events meanwhile (an input blocked on a full queue could not
// stop otherwise). It then analyses what was queued at that moment, which
// holds every event the stopped inputs sent: their positions are pending
// in the analyzer when it returns, ready for the commit that must precede
// a new tailer of the same files.
func (d *daemon) stopInputs(ctx context.Context, ins []*input) {
	for _, in := range ins {
		in.cancel()
	}
	for _, in := range ins {
		d.waitDone(ctx, in.done)
	}
	d.drainQueued(ctx)
}

// waitDone analyses events until done is closed.
func (d *daemon) waitDone(ctx context.Context, done <-chan struct{}) {
	for {
		select {
		case <-done:
			return
		case it := <-d.items:
			d.consume(ctx, it)
		}
	}
}

// drainQueued analyses the events queued now, not those that running
// inputs add meanwhile, so it returns even under a steady stream.
func (d *daemon) drainQueued(ctx context.Context) {
	for n := len(d.items); n > 0; n-- {
		d.consume(ctx, <-d.items)
	}
}

// names lists the inputs' names for a log line.
func names[T any](l []T, name func(T) string) string {
	s := make([]string, len(l))
	for i, v := range l {
		s[i] = name(v)
	}
	return strings.Join(s, ", ")
}

// settingsKey renders the exported settings of a configuration value,
// leaving out where it was written (Pos fields): two sections with the same
// settings have the same key, wherever they are in the file.
func settingsKey(v any) string {
	var b strings.Builder
	writeKey(&b, reflect.ValueOf(v))
	return b.String()
}

func writeKey(b *strings.Builder, v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		b.WriteString(t.Name() + "{")
		for i := range t.NumField() {
			f := t.Field(i)
			// Pos is where the block sits, Logger where it reports:
			// neither is a setting of the input or output.
			if !f.IsExported() || f.Name == "Pos" || f.Name == "Logger" {
				continue
			}
			b.WriteString(f.Name + ":")
			writeKey(b, v.Field(i))
			b.WriteString(" ")
		}
		b.WriteString("}")
	case reflect.Slice, reflect.Array:
		b.WriteString("[")
		for i := range v.Len() {
			writeKey(b, v.Index(i))
			b.WriteString(",")
		}
		b.WriteString("]")
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		b.WriteString("map[")
		for _, k := range keys {
			writeKey(b, k)
			b.WriteString(":")
			writeKey(b, v.MapIndex(k))
			b.WriteString(",")
		}
		b.WriteString("]")
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		b.WriteString(v.Elem().Type().String() + "(")
		writeKey(b, v.Elem())
		b.WriteString(")")
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		// Not settings (clocks, hooks): the same code either way.
	case reflect.String:
		b.WriteString(strconv.Quote(v.String()))
	default:
		fmt.Fprint(b, v.Interface())
	}
}

// fileStamp identifies the content of a file that an input or output
// reads once at start, so that a reload sees a change of content under
// the same name.
func fileStamp(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "unreadable"
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}
