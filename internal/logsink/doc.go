// Package logsink is a log destination for tests: a slog handler writes
// to a Sink from any goroutine (timers, connections, the daemon's
// inputs) and the test reads its lines back, or the lines that hold some
// substrings, to check what an operator would see in gossec.log.
//
// For tests only. Imports: the standard library only.
package logsink
