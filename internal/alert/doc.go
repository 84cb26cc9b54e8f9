// Package alert holds the Alert model (an event snapshot plus a summary of
// the rule that fired) and its two renderings: the alerts.json object
// (Wazuh 4.x schema) and the alerts.log block (OSSEC layout). Every consumer
// — logtest, the daemon's alert files, syslog and email outputs — renders
// through this one package, so the formats cannot drift apart.
//
// Imports: internal/event, internal/jsonstr and the standard library.
package alert
