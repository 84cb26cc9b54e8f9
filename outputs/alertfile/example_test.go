package alertfile_test

import (
	"fmt"
	"os"
	"time"

	"github.com/gossec/gossec/internal/alert"
	"github.com/gossec/gossec/internal/event"
	"github.com/gossec/gossec/outputs/alertfile"
)

func ExampleWriter_WriteAlert() {
	dir, _ := os.MkdirTemp("", "alertfile")
	defer os.RemoveAll(dir)
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	w, err := alertfile.Open(alertfile.Config{Dir: dir, AlertsLog: true, Clock: func() time.Time { return now }})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer w.Close()
	for _, line := range []string{"first", "second"} {
		a := &alert.Alert{
			Time:  now,
			Rule:  &alert.Rule{ID: 1002, Level: 2, Description: "Unknown problem somewhere in the system.", Groups: "syslog,errors,"},
			Event: &event.Event{Location: "/var/log/syslog", Hostname: "web1", FullLog: line},
		}
		if err := w.WriteAlert(a); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(a.ID)
	}
	// Output:
	// 1795255200.0
	// 1795255200.157
}
