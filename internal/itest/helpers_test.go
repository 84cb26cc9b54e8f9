package itest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// lineTail reads a growing file (alerts.json, archives.json, gossec.log)
// incrementally: each call to next returns the complete lines appended
// since the previous call. It lets tests poll large outputs cheaply.
type lineTail struct {
	path    string
	off     int64
	partial []byte
	buf     []byte
}

func newLineTail(path string) *lineTail { return &lineTail{path: path, buf: make([]byte, 1<<20)} }

func (lt *lineTail) next() [][]byte {
	f, err := os.Open(lt.path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out [][]byte
	for {
		n, err := f.ReadAt(lt.buf, lt.off)
		lt.off += int64(n)
		data := append(lt.partial, lt.buf[:n]...)
		for {
			i := bytes.IndexByte(data, '\n')
			if i < 0 {
				break
			}
			out = append(out, data[:i:i])
			data = data[i+1:]
		}
		lt.partial = append([]byte(nil), data...)
		if err == io.EOF || n == 0 {
			return out
		}
		if err != nil {
			return out
		}
	}
}

// jsonLines reads a JSON-lines file of the home, skipping a torn last line.
func (h *home) jsonLines(rel string) []map[string]any {
	h.t.Helper()
	f, err := os.Open(h.path(rel))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		h.t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// state reads HOME/var/run/gossec.state (key='value' lines); a missing
// key is -1 so that a test waiting for a count cannot mistake it for 0.
func (h *home) state(key string) int64 {
	for line := range strings.SplitSeq(h.read("var/run/gossec.state"), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok || k != key {
			continue
		}
		n, err := strconv.ParseInt(strings.Trim(v, "'"), 10, 64)
		if err != nil {
			return -1
		}
		return n
	}
	return -1
}

// freePort asks the kernel for a port that is free for both TCP and UDP on
// 127.0.0.1 at the time of the call.
func freePort(t testing.TB) int {
	t.Helper()
	for range 20 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		u, err := net.ListenPacket("udp", "127.0.0.1:"+strconv.Itoa(port))
		l.Close()
		if err == nil {
			u.Close()
			return port
		}
	}
	t.Fatal("no free port for tcp and udp")
	return 0
}

// waitLog waits until logs/gossec.log contains every one of subs on one
// line and returns that line.
func (h *home) waitLog(timeout time.Duration, subs ...string) string {
	h.t.Helper()
	var found string
	waitFor(h.t, timeout, "gossec.log line with "+strings.Join(subs, " & "), func() bool {
		for line := range strings.SplitSeq(h.read("logs/gossec.log"), "\n") {
			ok := true
			for _, s := range subs {
				ok = ok && strings.Contains(line, s)
			}
			if ok {
				found = line
				return true
			}
		}
		return false
	})
	return found
}

// str walks nested JSON objects by keys and renders the value found as a
// string (numbers without exponent, objects as JSON, missing as "").
func str(m map[string]any, keys ...string) string {
	var cur any = m
	for _, k := range keys {
		mm, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = mm[k]
	}
	switch v := cur.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case nil:
		return ""
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}
