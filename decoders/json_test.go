package decoders

import (
	"strings"
	"testing"

	"github.com/gossec/gossec/internal/event"
)

func TestJSONDecoder(t *testing.T) {
	deep := func(n int) string { return `{"a":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}` }
	cases := []struct {
		name  string
		in    string
		null  nullMode
		array arrayMode
		want  []string
	}{
		{"static keys", `{"srcip":"1.2.3.4","dstuser":"d","systemname":"sys","system_name":"dyn","user":"u","command":"c","extra_data":"x"}`, nullString, arrayJSON,
			[]string{"srcip=1.2.3.4", "dstuser=d", "extra_data=x", "system_name=sys", "system_name:dyn", "user:u", "command:c"}},
		{"nested keys are dynamic", `{"a":{"srcip":"n","b":{"c":true}},"e":{},"f":false}`, nullString, arrayJSON,
			[]string{"a.srcip:n", "a.b.c:true", "f:false"}},
		{"duplicate keys", `{"k":"1","k":"2","id":"a","id":"b"}`, nullString, arrayJSON, []string{"id=b", "k:1", "k:2"}},
		{"numbers", `{"i":5,"neg":-3,"f":1.5,"big":1234567890123,"max":2147483647,"min":-2147483648,"over":2147483648,"e":1e2,"z":-0.0,"tiny":1e-7,"inf":1e400,"lead":01,"dot":2.,"nd":-.5}`, nullString, arrayJSON,
			[]string{"i:5", "neg:-3", "f:1.500000", "big:1234567890123.000000", "max:2147483647", "min:-2147483648",
				"over:2147483648.000000", "e:100", "z:0", "tiny:0.000000", "inf:inf", "lead:1", "dot:2", "nd:-0.500000"}},
		{"null as string", `{"n":null}`, nullString, arrayJSON, []string{"n:null"}},
		{"null discarded", `{"n":null,"m":1}`, nullDiscard, arrayJSON, []string{"m:1"}},
		{"arrays printed like cJSON", `{"a":[1,"x",null,true,{"k":"v","l":[]},[2,3],{}],"e":[],"f":[1.5,1e20,0.1]}`, nullString, arrayJSON,
			[]string{"a:[1, \"x\", null, true, {\n\t\t\"k\":\t\"v\",\n\t\t\"l\":\t[]\n\t}, [2, 3], {\n\t}]", "e:[]", "f:[1.5, 1e+20, 0.1]"}},
		{"array strings escaped", `{"a":["q\"b\\s\n\u0001é"]}`, nullString, arrayJSON, []string{`a:["q\"b\\s\n\u0001é"]`}},
		{"csv arrays", `{"a":[1,"x",null,true,{"k":"v"},[2,3],2.5],"e":[],"o":[{}],"t":[1,{}],"n":null}`, nullDiscard, arrayCSV,
			[]string{"a:1,x,null,true,2.500000", "t:1,"}},
		{"string escapes", `{"s":"a\"b\\c\/d\u00e9\ud83d\ude00\t","z":"ab\u0000cd","ctl":"x` + "\x01" + `y","bad":"\u00zz!"}`, nullString, arrayJSON,
			[]string{"s:a\"b\\c/dé😀\t", "z:ab", "ctl:x\x01y", "bad:"}},
		{"escaped key", `{"a\u002eb":1,"":2}`, nullString, arrayJSON, []string{"a.b:1", ":2"}},
		{"trailing text", `{"a":1} trailing {`, nullString, arrayJSON, []string{"a:1"}},
		{"bom and control whitespace", "\xEF\xBB\xBF \t\x01{\"a\"\x02:\x03 1 }", nullString, arrayJSON, []string{"a:1"}},
		{"nul ends the input", "{\"a\":1}\x00", nullString, arrayJSON, []string{"a:1"}},
		{"nul inside", "{\"a\":1\x00}", nullString, arrayJSON, nil},
		{"unterminated", `{"a":1`, nullString, arrayJSON, nil},
		{"bad number", `{"a":-}`, nullString, arrayJSON, nil},
		{"bad number 2", `{"a":1.2.3}`, nullString, arrayJSON, nil},
		{"bad exponent", `{"a":1e}`, nullString, arrayJSON, nil},
		{"plus", `{"a":+1}`, nullString, arrayJSON, nil},
		{"long number", `{"a":` + strings.Repeat("1", 64) + `}`, nullString, arrayJSON, nil},
		{"63 digits", `{"a":` + strings.Repeat("1", 63) + `}`, nullString, arrayJSON, []string{"a:111111111111111117539773326969663314154819854352782270908071936.000000"}},
		{"bad literal", `{"a":tru}`, nullString, arrayJSON, nil},
		{"literal prefix", `{"a":nullx}`, nullString, arrayJSON, nil},
		{"bad escape", `{"a":"\x"}`, nullString, arrayJSON, nil},
		{"lone high surrogate", `{"a":"\ud800"}`, nullString, arrayJSON, nil},
		{"lone low surrogate", `{"a":"\udc00"}`, nullString, arrayJSON, nil},
		{"short unicode", `{"a":"\u12"}`, nullString, arrayJSON, nil},
		{"single quotes", `{'a':1}`, nullString, arrayJSON, nil},
		{"trailing comma", `{"a":1,}`, nullString, arrayJSON, nil},
		{"array top level", `[1,2]`, nullString, arrayJSON, nil},
		{"string top level", `"x"`, nullString, arrayJSON, nil},
		{"nesting limit ok", deep(999), nullString, arrayJSON, []string{"a:" + strings.Repeat("[", 999) + strings.Repeat("]", 999)}},
		{"nesting limit", deep(1000), nullString, arrayJSON, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := &event.Event{}
			decodeJSON(c.in, ev, &decoder{jsonNull: c.null, jsonArray: c.array}, &nameCache{}, false)
			if got, want := strings.Join(fieldList(ev), "\n"), strings.Join(c.want, "\n"); got != want {
				t.Errorf("fields\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func TestFormatCJSONNumber(t *testing.T) {
	for _, c := range []struct {
		f    float64
		want string
	}{
		{0, "0"}, {3, "3"}, {-7, "-7"}, {0.25, "0.250000"}, {1e10, "10000000000.000000"},
		{-2147483649, "-2147483649.000000"}, {2.5e-7, "0.000000"}, {123.4567895, "123.456789"}, {0.0000005, "0.000000"}, {0.0000015, "0.000002"},
	} {
		if got := formatCJSONNumber(c.f); got != c.want {
			t.Errorf("%v: %q, want %q", c.f, got, c.want)
		}
	}
}
