package records

import (
	"strings"
	"unicode"
)

// Phone numbers match by their last digits, however they are written:
// two numbers match when their last PhoneMatchDigits digits agree (so a
// country code or a trunk 0 before them does not matter), or, when one has
// fewer, all of its digits, if it has at least MinPhoneDigits (a local
// number). Shorter numbers must have exactly the same digits.
const (
	MinPhoneDigits   = 7
	PhoneMatchDigits = 10
)

// PhoneDigits returns the digits of a phone number, in any script's
// decimal digits, as ASCII: "+1 (206) 555-0143" → "12065550143".
func PhoneDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsDigit(r) {
			if d := digitValue(r); d >= 0 {
				b.WriteByte(byte('0' + d))
			}
		}
	}
	return b.String()
}

// ReversedDigits is PhoneDigits reversed: the store indexes it, so that
// "ends with these digits" becomes an index range scan.
func ReversedDigits(s string) string {
	d := []byte(PhoneDigits(s))
	for i, j := 0, len(d)-1; i < j; i, j = i+1, j-1 {
		d[i], d[j] = d[j], d[i]
	}
	return string(d)
}

// digitValue is a decimal digit's value in any Unicode script (Nd ranges
// run in blocks of ten starting at zero).
func digitValue(r rune) int {
	for z := r; z >= r-9; z-- {
		if !unicode.IsDigit(z) {
			return int(r - z - 1)
		}
		if z == r-9 {
			return int(r-z) % 10
		}
	}
	return -1
}

// LooksLikePhone reports whether search text is a phone number: digits
// and the punctuation people write numbers with, with at least
// MinPhoneDigits digits.
func LooksLikePhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			digits++
		case strings.ContainsRune(" +-().\u00a0/", r):
		default:
			return false
		}
	}
	return digits >= MinPhoneDigits
}
