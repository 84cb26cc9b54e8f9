package daemon

import (
	"bufio"
	"bytes"
	"context"
	"os/exec"
	"strings"
	"time"

	"github.com/gossec/gossec/internal/config"
)

// runCommand runs a <localfile> command every <frequency>, as OSSEC's
// logcollector does: log_format "command" makes one event per output line,
// "full_command" one event of the whole output. Events read
// "ossec: output: '<alias or command>': ..." so the stock rules apply.
func (d *daemon) runCommand(ctx context.Context, lf config.LocalFile, items chan<- item) {
	name := lf.Command
	if lf.Alias != "" {
		name = lf.Alias
	}
	tick := time.NewTicker(lf.Frequency)
	defer tick.Stop()
	for {
		d.runOnce(ctx, lf, name, items)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (d *daemon) runOnce(ctx context.Context, lf config.LocalFile, name string, items chan<- item) {
	out, err := exec.CommandContext(ctx, "/bin/sh", "-c", lf.Command).Output()
	d.stats.CommandRuns.Add(1)
	if err != nil && ctx.Err() == nil {
		d.log.Warn("command failed", "command", lf.Command, "error", err)
		d.stats.InputErrors.Add(1)
	}
	for _, text := range commandEvents(lf.LogFormat, name, out) {
		select {
		case items <- item{location: name, text: text}:
		case <-ctx.Done():
			return
		}
	}
}

// commandEvents formats a command's output as logcollector does.
func commandEvents(format, name string, out []byte) []string {
	prefix := "ossec: output: '" + name + "':"
	if format == "full_command" {
		body := strings.TrimRight(string(out), "\n")
		if body == "" {
			return nil
		}
		return []string{prefix + "\n" + body}
	}
	var evs []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64*1024), 64*1024)
	for sc.Scan() {
		if sc.Text() != "" {
			evs = append(evs, prefix+" "+sc.Text())
		}
	}
	return evs
}
