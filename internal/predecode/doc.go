// Package predecode implements phase 1 of analysisd ("pre-decoding"): it
// recognises the header of a raw log line (timestamp, syslog hostname,
// program name) and finds the message that decoders and rules work on. It
// also parses agent locations ("[ID] (name) ip->path"), recomputes the
// alerts.json predecoder.hostname and provides the manager's short host name.
//
// Parse follows wazuh-analysisd 4.9.2 (OS_CleanMSG) byte for byte,
// including its quirks: the fixed 32-byte offset of unusual ISO stamps, the
// "Mär" month that loses the last timestamp character, the AIX program name
// that runs to the end of the line, and ASL fields cut at their ']'.
// ParseDialect(line, OSSEC) follows ossec-analysisd instead (see Dialect
// for the differences); OSSEC records no header timestamp, so Timestamp
// then is the stamp text the header tests accepted, for outputs only.
// Every string returned is a substring of the input, so parsing does not
// allocate.
//
// ParseWith also takes the release-dependent switches (Options): no macOS
// unified-log header before Wazuh 4.3.0, the suricata stamp's longer
// minimum length since Wazuh 4.12.0. RemoveControl is OSSEC's
// remove_control_characters (bytes 0-31 and 127 deleted before
// pre-decoding, since OSSEC 3.8.0); the engine applies it for OSSEC.
//
// Not reproduced for OSSEC: its agent location form "(name) ip->path"
// (ParseAgentLocation reads Wazuh's "[ID] (name) ip->path").
//
// Imports: standard library only.
package predecode
