package strictjson

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestErrorsNameTheMemberAndTheFix(t *testing.T) {
	type inner struct {
		Title string `json:"title"`
	}
	var v struct {
		Max   int     `json:"maxSessions"`
		List  []inner `json:"templates"`
		Flags bool    `json:"flag"`
	}
	for doc, want := range map[string]string{
		`{"maxSessions": 3}`:                          "",
		`{"MaxSessions": 3}`:                          `"MaxSessions" is not a member this file takes; check its spelling and letter case`,
		`{"maxSessions": 3, "maxSessions": 4}`:        `"maxSessions" appears twice; keep one`,
		`{"maxSessions": "3"}`:                        `"maxSessions" must be a number, not a string`,
		`{"templates": [{"titel": "x"}]}`:             `"templates.0.titel" is not a member this file takes; check its spelling and letter case`,
		`{"templates": [{"title": 1}]}`:               `"templates.0.title" must be a string, not a number`,
		`{"flag": "yes"}`:                             `"flag" must be true or false, not a string`,
		`{"maxSessions": 3}{}`:                        `not valid JSON at byte 18: invalid character '{' after top-level value`,
		`{"maxSessions": `:                            "not valid JSON at byte 16: unexpected EOF",
		`[]`:                                          "the file must be an object, not a list",
		`{"templates": [{"title": "a", "title": 1}]}`: `"templates.0.title" appears twice; keep one`,
	} {
		err := Unmarshal([]byte(doc), &v)
		if want == "" {
			assert.NoError(t, err, doc)
		} else {
			assert.EqualError(t, err, want, doc)
		}
	}
}
