// Package itest holds integration tests that build the real gossec binary
// and run it as operators do: on temporary homes, against real files,
// sockets and signals. It has no non-test code.
package itest
