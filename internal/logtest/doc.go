// Package logtest renders one analysed event the way the wazuh-logtest
// command-line client prints it: the three-phase text transcript (pre-decoding,
// decoding, filtering), the optional rule-debugging trace, the
// "**Alert to be generated." marker, and the -U rule:level:decoder unit-test
// expectation with its exit-status rule.
//
// The real client is a Python script that formats the JSON analysisd returns,
// so this package reads the alerts.json-shaped object preserving key order and
// prints every value the way Python's str() would (True/False, None, list and
// dict reprs with Python's quoting, Python float repr).
//
// It owns only presentation: it does not run the engine, it is handed the
// engine's output for one event.
//
// Imports: standard library only.
package logtest
