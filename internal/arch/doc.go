// Package arch holds no code: its test checks that the packages import
// each other only along the data flow (file -> pre-decoder -> decoder ->
// rule tree -> alert -> outputs), so the layout keeps describing the
// architecture as the code grows.
package arch
