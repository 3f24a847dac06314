package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const sample = `
BenchmarkColdStart-2   	     100	   5100000 ns/op	   1700000 floor-ns/op	         3.0 x-floor
BenchmarkColdStart-2   	     100	   4900000 ns/op	   1800000 floor-ns/op	         2.7 x-floor
BenchmarkColdStart-2   	     100	  12000000 ns/op	   1900000 floor-ns/op	         6.3 x-floor
BenchmarkScreenPop-2   	     100	    320000 ns/op	     20000 floor-ns/op	    300000 share-ns/op	        16 x-floor
BenchmarkBrowser/chromium/getFocusedSession/sequential-2 	1	1100 bare-µs/call	1.05 echo-x-bare	1.01 echo-x-bare-q1	1.09 echo-x-bare-q3	1150 floor-µs/call	1.08 x-bare	1.02 x-bare-q1	1.12 x-bare-q3	1.02 x-floor	0.98 x-floor-q1	1.06 x-floor-q3	1200 µs/call
BenchmarkBrowser/firefox/createSession/sequential-2 	1	2000 bare-µs/call	1.1 echo-x-bare	1.0 echo-x-bare-q1	1.2 echo-x-bare-q3	2200 floor-µs/call	1.6 x-bare	1.5 x-bare-q1	1.7 x-bare-q3	1.4 x-floor	1.3 x-floor-q1	1.5 x-floor-q3	3200 µs/call
BenchmarkBrowser/firefox/fanOut/20pages-2 	1	2000 bare-µs/call	1 echo-x-bare	1 echo-x-bare-q1	1 echo-x-bare-q3	2200 floor-µs/call	1 x-bare	1 x-bare-q1	1 x-bare-q3	1 x-floor	1 x-floor-q1	1 x-floor-q3	1.5 x-read	1.4 x-read-q1	1.6 x-read-q3	3000 µs/call
`

func TestTheTableShowsMediansRatiosSpreadsAndTargets(t *testing.T) {
	results, err := parse(strings.NewReader(sample))
	require.NoError(t, err)
	assert.InDelta(t, 5.1e6, results["ColdStart"]["ns/op"], 1, "the median of the repetitions")
	var out strings.Builder
	require.NoError(t, write(&out, results))
	lines := strings.Split(out.String(), "\n")
	line := func(prefix string) string {
		for _, l := range lines {
			if strings.HasPrefix(l, prefix) {
				return l
			}
		}
		t.Fatalf("no line starts with %q in\n%s", prefix, out.String())
		return ""
	}
	assert.Regexp(t, `5\.10 ms +1\.80 ms +3\.00× +< 10 ms  met`, line("cold start"))
	assert.Contains(t, line("cif-host over pipes, screen pop"), "host share < 0.3 ms (300.0 µs)  MISSED")
	assert.Regexp(t, `1\.20 ms +1\.10 ms +1\.08× \[1\.02–1\.12\] +1\.15 ms +1\.02× \[0\.98–1\.06\] +1\.05× \[1\.01–1\.09\] +≤ 1\.10× floor ext\.  met`,
		line("chromium: getFocusedSession, sequential"))
	assert.Contains(t, line("firefox: createSession (saved), sequential"), "≤ 1.5× floor ext.  MISSED")
	assert.Contains(t, line("firefox: an event to 20 pages"), "≤ 2× a read (1.50×)  met")
	assert.Contains(t, out.String(), "floor ext.: the benchmark's minimal extension")
}
