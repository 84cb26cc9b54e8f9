package syslog_test

import (
	"context"
	"fmt"

	"github.com/gossec/gossec/internal/xmlconf"
	"github.com/gossec/gossec/outputs/syslog"
)

// The daemon reads the blocks, makes one Output each, runs it in its own
// goroutine and hands it every alert.
func Example() {
	roots, err := xmlconf.Parse("ossec.conf", []byte(`<ossec_config>
  <syslog_output>
    <server>siem.example.org</server>
    <format>cef</format>
    <level>10</level>
    <protocol>tcp</protocol>
    <framing>octet-counting</framing>
  </syslog_output>
</ossec_config>`))
	if err != nil {
		panic(err)
	}
	cfgs, errs := syslog.ParseConfig(roots)
	if len(errs) > 0 {
		panic(errs)
	}
	for _, c := range cfgs {
		o, err := syslog.New(c)
		if err != nil {
			panic(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		go o.Run(ctx) // then o.Send(alert) for every alert
		cancel()
		fmt.Println(o.Addr(), o.Config().Format, o.Config().Protocol, o.Stats().Sent)
	}
	// Output: siem.example.org:514 cef tcp 0
}
