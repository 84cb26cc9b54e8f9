module github.com/gossec/gossec

go 1.26

require (
	github.com/dlclark/regexp2 v1.12.0 // indirect
	github.com/tidwall/gjson v1.20.0 // indirect
	github.com/tidwall/match v1.1.1 // indirect
	github.com/tidwall/pretty v1.2.0 // indirect
)
