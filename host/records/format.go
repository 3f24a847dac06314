package records

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/cifbridge/cif-bridge/host/records/metadata"
)

// Formatted is a value as the Web API formats it for people (the
// FormattedValue annotation), in the en-US style of a Dataverse
// organisation with US dollars and UTC: option sets and Booleans by label,
// money as $1,234.50, numbers with thousands separators, dates as
// 1/31/2024 and 1/31/2024 10:00 AM. Text has none.
func Formatted(a *metadata.Attribute, v any) (string, bool) {
	if v == nil {
		return "", false
	}
	switch a.Type {
	case metadata.Boolean:
		b, ok := v.(bool)
		return a.BooleanLabel(b), ok
	case metadata.Picklist, metadata.State, metadata.Status:
		n, ok := v.(int64)
		if !ok {
			return "", false
		}
		o, found := a.Option(int(n))
		return o.Label, found
	case metadata.Money:
		f, ok := v.(float64)
		if !ok {
			return "", false
		}
		if f < 0 {
			return "-$" + formatNumber(-f, a.Precision), true
		}
		return "$" + formatNumber(f, a.Precision), true
	case metadata.Decimal:
		f, ok := v.(float64)
		return formatNumber(f, a.Precision), ok
	case metadata.Integer:
		n, ok := v.(int64)
		if !ok {
			return "", false
		}
		if a.Format == metadata.FormatDuration {
			return formatDuration(n), true
		}
		return formatNumber(float64(n), 0), true
	case metadata.DateTime:
		t, ok := v.(time.Time)
		if !ok {
			return "", false
		}
		if a.Format == metadata.FormatDateOnly {
			return t.Format("1/2/2006"), true
		}
		return t.UTC().Format("1/2/2006 3:04 PM"), true
	}
	return "", false
}

// formatNumber writes a number with thousands separators and the given
// decimal places.
func formatNumber(f float64, places int) string {
	neg := f < 0
	s := strconv.FormatFloat(math.Abs(f), 'f', places, 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

func formatDuration(minutes int64) string {
	unit := func(n int64, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.FormatInt(n, 10) + " " + many
	}
	switch {
	case minutes != 0 && minutes%1440 == 0:
		return unit(minutes/1440, "day", "days")
	case minutes != 0 && minutes%60 == 0:
		return unit(minutes/60, "hour", "hours")
	}
	return unit(minutes, "minute", "minutes")
}
