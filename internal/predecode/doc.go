// Package predecode implements phase 1 of analysisd ("pre-decoding"): it
// recognises the header of a raw log line (timestamp, syslog hostname,
// program name) and finds the message that decoders and rules work on. It
// also parses agent locations ("[ID] (name) ip->path"), recomputes the
// alerts.json predecoder.hostname and provides the manager's short host name.
//
// The behaviour follows wazuh-analysisd 4.9.2 (OS_CleanMSG) byte for byte,
// including its quirks: the fixed 32-byte offset of unusual ISO stamps, the
// "Mär" month that loses the last timestamp character, the AIX program name
// that runs to the end of the line, and ASL fields cut at their ']'. Every
// string returned is a substring of the input, so parsing does not allocate.
//
// Imports: standard library only.
package predecode
