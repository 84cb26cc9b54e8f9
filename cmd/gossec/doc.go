// Command gossec is an OSSEC/Wazuh-compatible log analysis engine: one
// binary with the subcommands run (the service), replay, logtest, test,
// check and bench. main only dispatches to internal/cli, which holds each
// command as a function returning an exit code.
package main
