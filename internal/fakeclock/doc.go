// Package fakeclock is a clock that tests move by hand: Now reads it, and
// the channels After returns fire when Advance reaches their time, so a
// test of rate limits, backoffs and timeouts needs no sleep. It satisfies
// the Clock interfaces of internal/ratelog and outputs/email.
//
// For tests only. Imports: the standard library only.
package fakeclock
