package main

import (
	"fmt"
	"os"

	"github.com/gossec/gossec/internal/cli"
)

const usage = `usage: gossec <command> [flags]

commands:
  run       run the service: watch files and syslog, write alerts (-t: test the configuration)
  replay    analyse existing files through the same path, print alerts as JSON lines
  logtest   analyse lines from standard input (like wazuh-logtest)
  test      run OSSEC/Wazuh .ini ruleset tests
  check     load the configuration and ruleset, report every error
  bench     replay a corpus through the analysis path, print lines/s, allocs, RSS
  mysql     mysql triggers: print the SQL of MySQL/MariaDB table integrity monitoring
  version   print the version
`

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	s := cli.Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return cli.ExitUsage
	}
	switch args[0] {
	case "run":
		return cli.Run(args[1:], s)
	case "replay":
		return cli.Replay(args[1:], s)
	case "logtest":
		return cli.Logtest(args[1:], s)
	case "test":
		return cli.Test(args[1:], s)
	case "bench":
		return cli.Bench(args[1:], s)
	case "check":
		return cli.Check(args[1:], s)
	case "mysql":
		return cli.MySQL(args[1:], s)
	case "version":
		fmt.Println("gossec", cli.Version)
		return cli.ExitOK
	case "-h", "--help", "help":
		fmt.Print(usage)
		return cli.ExitOK
	}
	fmt.Fprintf(os.Stderr, "gossec: unknown command %q\n%s", args[0], usage)
	return cli.ExitUsage
}
