package alert

// The reference renderers, for the differential tests of package alert_test.
var (
	RefAppendJSON = refAppendJSON
	RefAppendLog  = refAppendLog
)
