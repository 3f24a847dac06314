package odata

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cifbridge/cif-bridge/internal/lazyre"
)

// Expr is a $filter expression: *Logical, *Not, *Comparison or *Function.
type Expr interface{ isExpr() }

// Logical is "and" or "or" of two expressions.
type Logical struct {
	Op          string // "and" or "or"
	Left, Right Expr
}

// Not negates an expression.
type Not struct{ X Expr }

// Comparison compares a property with a literal: telephone1 eq '555'.
type Comparison struct {
	Property string
	Op       string // eq ne gt ge lt le
	Value    Literal
}

// Function is contains, startswith or endswith of a property and a string.
type Function struct {
	Name     string
	Property string
	Value    Literal
}

func (*Logical) isExpr()    {}
func (*Not) isExpr()        {}
func (*Comparison) isExpr() {}
func (*Function) isExpr()   {}

// Kind is a literal's kind.
type Kind int

// Literal kinds.
const (
	Null Kind = iota
	StringLit
	IntLit
	DecimalLit
	BoolLit
	GUIDLit
	DateLit     // 2024-01-31
	DateTimeLit // 2024-01-31T10:00:00Z
)

// Literal is a typed value as written in $filter.
type Literal struct {
	Kind Kind
	// Str is the string of a StringLit (unescaped), and the canonical text
	// of a GUIDLit (lower case).
	Str   string
	Int   int64
	Float float64
	Bool  bool
	Time  time.Time // UTC; midnight for a DateLit
	// Text is the literal as written (for messages).
	Text string
}

var comparisonOps = []string{"eq", "ne", "gt", "ge", "lt", "le"}

// refusedFunctions are OData's and Dataverse's other functions.
var refusedFunctions = map[string]bool{
	"tolower": true, "toupper": true, "trim": true, "length": true, "indexof": true, "substring": true,
	"concat": true, "matchesPattern": true, "year": true, "month": true, "day": true, "hour": true, "minute": true,
	"second": true, "fractionalseconds": true, "date": true, "time": true, "now": true, "totaloffsetminutes": true,
	"maxdatetime": true, "mindatetime": true, "totalseconds": true, "round": true, "floor": true, "ceiling": true,
	"cast": true, "isof": true, "geo": true, "hassubset": true, "hassubsequence": true, "any": true, "all": true,
}

var (
	guidPattern     = lazyre.New(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
	dateTimePattern = lazyre.New(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})`)
	datePattern     = lazyre.New(`^\d{4}-\d{2}-\d{2}`)
	numberPattern   = lazyre.New(`^-?\d+(\.\d+)?([eE][+-]?\d+)?`)
)

type tokenKind int

const (
	tEOF tokenKind = iota
	tIdent
	tLiteral
	tOpen
	tClose
	tComma
)

type token struct {
	kind tokenKind
	text string
	lit  Literal
	pos  int // 1-based character
}

type lexer struct {
	src  string
	i    int
	toks []token
}

func (l *lexer) errorf(pos int, format string, args ...any) *Error {
	return errorf("$filter", pos, format, args...)
}

// charPos converts a byte offset to a 1-based character position.
func (l *lexer) charPos(byteOffset int) int { return utf8.RuneCountInString(l.src[:byteOffset]) + 1 }

func (l *lexer) lex() error {
	for {
		for l.i < len(l.src) && (l.src[l.i] == ' ' || l.src[l.i] == '\t' || l.src[l.i] == '\n' || l.src[l.i] == '\r') {
			l.i++
		}
		if l.i >= len(l.src) {
			l.toks = append(l.toks, token{kind: tEOF, pos: l.charPos(l.i)})
			return nil
		}
		if len(l.toks) > 8*MaxTerms {
			return l.errorf(l.charPos(l.i), "the filter has too many parts; a filter may hold at most %d comparisons", MaxTerms)
		}
		start := l.i
		pos := l.charPos(start)
		rest := l.src[l.i:]
		c := rest[0]
		switch {
		case c == '(':
			l.i++
			l.toks = append(l.toks, token{kind: tOpen, text: "(", pos: pos})
		case c == ')':
			l.i++
			l.toks = append(l.toks, token{kind: tClose, text: ")", pos: pos})
		case c == ',':
			l.i++
			l.toks = append(l.toks, token{kind: tComma, text: ",", pos: pos})
		case c == '\'':
			s, n, ok := unquote(rest)
			if !ok {
				return l.errorf(pos, "the string that starts here has no closing quote; end it with ' (write a quote inside a string as '')")
			}
			if utf8.RuneCountInString(s) > MaxString {
				return l.errorf(pos, "the string is longer than %d characters; shorten it", MaxString)
			}
			if !utf8.ValidString(s) {
				return l.errorf(pos, "the string is not valid UTF-8; send text")
			}
			l.i += n
			l.toks = append(l.toks, token{kind: tLiteral, text: rest[:n], lit: Literal{Kind: StringLit, Str: s, Text: rest[:n]}, pos: pos})
		case guidPattern().MatchString(rest) && !identContinues(rest, 36):
			text := rest[:36]
			l.i += 36
			l.toks = append(l.toks, token{kind: tLiteral, text: text, lit: Literal{Kind: GUIDLit, Str: strings.ToLower(text), Text: text}, pos: pos})
		case c >= '0' && c <= '9' || c == '-' && len(rest) > 1 && rest[1] >= '0' && rest[1] <= '9':
			lit, n, err := l.number(rest, pos)
			if err != nil {
				return err
			}
			l.i += n
			l.toks = append(l.toks, token{kind: tLiteral, text: rest[:n], lit: lit, pos: pos})
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			n := 1
			for n < len(rest) && (rest[n] == '_' || rest[n] >= 'a' && rest[n] <= 'z' || rest[n] >= 'A' && rest[n] <= 'Z' || rest[n] >= '0' && rest[n] <= '9') {
				n++
			}
			word := rest[:n]
			if n < len(rest) && (rest[n] == '/' || rest[n] == '.') {
				return l.qualified(rest, pos)
			}
			if n > 2*maxNameLen {
				return l.errorf(pos, "%q is too long to be a name", clip(word))
			}
			l.i += n
			switch word {
			case "true", "false":
				l.toks = append(l.toks, token{kind: tLiteral, text: word, lit: Literal{Kind: BoolLit, Bool: word == "true", Text: word}, pos: pos})
			case "null":
				l.toks = append(l.toks, token{kind: tLiteral, text: word, lit: Literal{Kind: Null, Text: word}, pos: pos})
			default:
				l.toks = append(l.toks, token{kind: tIdent, text: word, pos: pos})
			}
		case c == '"':
			return l.errorf(pos, "strings are written in single quotes in OData: 'text'")
		case c == '-' || c == '+' || c == '*' || c == '/':
			return l.errorf(pos, "arithmetic is not supported; compare an attribute with a value")
		case c == '=' || c == '<' || c == '>' || c == '!':
			return l.errorf(pos, "%q is not an OData operator; write eq, ne, gt, ge, lt or le", clip(rest[:min(2, len(rest))]))
		default:
			r, _ := utf8.DecodeRuneInString(rest)
			return l.errorf(pos, "%q is not expected here; a filter holds attribute names, operators, functions, quoted strings, numbers, true, false, null, GUIDs and dates", string(r))
		}
	}
}

func identContinues(s string, n int) bool {
	if n >= len(s) {
		return false
	}
	c := s[n]
	return c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// qualified refuses a.b and a/b: Dataverse's query functions
// (Microsoft.Dynamics.CRM.Today), navigation paths and lambda operators.
func (l *lexer) qualified(rest string, pos int) error {
	n := 0
	for n < len(rest) && (rest[n] == '_' || rest[n] == '.' || rest[n] == '/' || rest[n] >= 'a' && rest[n] <= 'z' || rest[n] >= 'A' && rest[n] <= 'Z' || rest[n] >= '0' && rest[n] <= '9') {
		n++
	}
	word := rest[:n]
	switch {
	case strings.HasPrefix(word, "Microsoft.Dynamics.CRM."):
		return l.errorf(pos, "the query function %s is not supported; use comparisons (eq, ne, gt, ge, lt, le) and contains, startswith, endswith", clip(strings.TrimPrefix(word, "Microsoft.Dynamics.CRM.")))
	case strings.HasSuffix(word, "/any") || strings.HasSuffix(word, "/all"):
		return l.errorf(pos, "the lambda operator %s is not supported; filter the related entity's own records instead", word[strings.LastIndexByte(word, '/')+1:])
	case strings.Contains(word, "/"):
		return l.errorf(pos, "%q is a navigation path; filter on the lookup's value instead, such as _parentcustomerid_value eq <id>", clip(word))
	}
	return l.errorf(pos, "%q is not an attribute name or a function cif-host supports", clip(word))
}

func (l *lexer) number(rest string, pos int) (Literal, int, *Error) {
	if m := dateTimePattern().FindString(rest); m != "" && !identContinues(rest, len(m)) {
		t, err := time.Parse(time.RFC3339Nano, normaliseSeconds(m))
		if err != nil {
			return Literal{}, 0, l.errorf(pos, "%s is not a valid date and time; write for example 2024-01-31T10:00:00Z", m)
		}
		return Literal{Kind: DateTimeLit, Time: t.UTC(), Text: m}, len(m), nil
	}
	if m := datePattern().FindString(rest); m != "" && !identContinues(rest, len(m)) {
		t, err := time.Parse(time.DateOnly, m)
		if err != nil {
			return Literal{}, 0, l.errorf(pos, "%s is not a valid date; write for example 2024-01-31", m)
		}
		return Literal{Kind: DateLit, Time: t, Text: m}, len(m), nil
	}
	m := numberPattern().FindString(rest)
	if identContinues(rest, len(m)) || len(m) < len(rest) && rest[len(m)] == '.' {
		end := len(m)
		for end < len(rest) && (identContinues(rest, end) || rest[end] == '.') {
			end++
		}
		return Literal{}, 0, l.errorf(pos, "%q is not a number, a date or a GUID; quote text as 'text'", clip(rest[:end]))
	}
	if !strings.ContainsAny(m, ".eE") {
		n, err := strconv.ParseInt(m, 10, 64)
		if err != nil {
			return Literal{}, 0, l.errorf(pos, "%s is too large a whole number", clip(m))
		}
		return Literal{Kind: IntLit, Int: n, Float: float64(n), Text: m}, len(m), nil
	}
	f, err := strconv.ParseFloat(m, 64)
	if err != nil {
		return Literal{}, 0, l.errorf(pos, "%s is not a number cif-host can read", clip(m))
	}
	return Literal{Kind: DecimalLit, Float: f, Text: m}, len(m), nil
}

// normaliseSeconds adds :00 to a time written without seconds, so that
// RFC 3339 reads it.
func normaliseSeconds(s string) string {
	if len(s) > 16 && s[16] != ':' {
		return s[:16] + ":00" + s[16:]
	}
	return s
}

// unquote reads a single-quoted OData string at the start of s, where a
// doubled quote stands for one; it returns the string and the bytes
// consumed.
func unquote(s string) (string, int, bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '\'' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '\'' {
			b.WriteByte('\'')
			i++
			continue
		}
		return b.String(), i + 1, true
	}
	return "", 0, false
}

type parser struct {
	toks  []token
	i     int
	depth int
	terms int
}

func parseFilter(value string) (Expr, error) {
	if strings.TrimSpace(value) == "" {
		return nil, errorf("$filter", 0, "is empty; write a condition such as telephone1 eq '555-0100', or leave it out")
	}
	l := &lexer{src: value}
	if err := l.lex(); err != nil {
		return nil, err
	}
	p := &parser{toks: l.toks}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		if lower := strings.ToLower(t.text); t.kind == tIdent && lower != t.text && isKeyword(lower) {
			return nil, p.errorf(t, "write the operator %s in lower case: %s", t.text, lower)
		}
		return nil, p.errorf(t, "%q follows a complete condition; join conditions with and or or", clip(t.text))
	}
	return e, nil
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) errorf(t token, format string, args ...any) *Error {
	return errorf("$filter", t.pos, format, args...)
}

func (p *parser) or() (Expr, error) {
	left, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tIdent && p.peek().text == "or" {
		p.next()
		right, err := p.and()
		if err != nil {
			return nil, err
		}
		left = &Logical{Op: "or", Left: left, Right: right}
	}
	return left, nil
}

func (p *parser) and() (Expr, error) {
	left, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tIdent && p.peek().text == "and" {
		p.next()
		right, err := p.unary()
		if err != nil {
			return nil, err
		}
		left = &Logical{Op: "and", Left: left, Right: right}
	}
	return left, nil
}

func (p *parser) enter(t token) error {
	p.depth++
	if p.depth > MaxDepth {
		return p.errorf(t, "the filter nests deeper than %d levels of parentheses and not; simplify it", MaxDepth)
	}
	return nil
}

func (p *parser) unary() (Expr, error) {
	t := p.peek()
	if t.kind == tIdent && t.text == "not" {
		p.next()
		if err := p.enter(t); err != nil {
			return nil, err
		}
		x, err := p.unary()
		p.depth--
		if err != nil {
			return nil, err
		}
		return &Not{X: x}, nil
	}
	return p.primary()
}

func (p *parser) primary() (Expr, error) {
	t := p.next()
	switch t.kind {
	case tEOF:
		return nil, p.errorf(t, "the filter ends where a condition should follow; complete it, such as fullname eq 'Ann'")
	case tOpen:
		if err := p.enter(t); err != nil {
			return nil, err
		}
		e, err := p.or()
		p.depth--
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tClose {
			return nil, p.errorf(c, "a ) is missing here, to close the ( at character %d", t.pos)
		}
		return e, nil
	case tLiteral:
		if op := p.peek(); op.kind == tIdent && isComparisonOp(op.text) {
			return nil, p.errorf(t, "put the attribute on the left of %s: write attribute %s %s", op.text, op.text, clip(t.text))
		}
		return nil, p.errorf(t, "%s stands alone; compare an attribute with it, such as statecode eq 0", clip(t.text))
	case tClose, tComma:
		return nil, p.errorf(t, "%q is not expected here; a condition should start here", t.text)
	}
	word := t.text
	if isKeyword(word) {
		return nil, p.errorf(t, "%q is an operator; a condition should start here, such as fullname eq 'Ann'", word)
	}
	if p.peek().kind == tOpen {
		return p.function(t)
	}
	p.terms++
	if p.terms > MaxTerms {
		return nil, p.errorf(t, "the filter has more than %d comparisons; simplify it", MaxTerms)
	}
	op := p.next()
	switch {
	case op.kind == tIdent && isComparisonOp(op.text):
	case op.kind == tIdent && (op.text == "in" || op.text == "has"):
		return nil, p.errorf(op, "the %s operator is not supported; join eq comparisons with or", op.text)
	case op.kind == tIdent && isArithmetic(op.text):
		return nil, p.errorf(op, "the arithmetic operator %s is not supported; compare an attribute with a value", op.text)
	case op.kind == tEOF || op.kind == tClose || op.kind == tIdent && (op.text == "and" || op.text == "or"):
		return nil, p.errorf(op, "%s is not compared with anything; write for example %s eq true", word, word)
	case op.kind == tIdent && isComparisonOp(strings.ToLower(op.text)):
		return nil, p.errorf(op, "write the operator %s in lower case: %s", op.text, strings.ToLower(op.text))
	default:
		return nil, p.errorf(op, "%q after %s is not a comparison; write eq, ne, gt, ge, lt or le", clip(op.text), word)
	}
	v := p.next()
	switch v.kind {
	case tLiteral:
	case tIdent:
		if p.peek().kind == tOpen {
			return nil, p.errorf(v, "functions cannot be compared; compare an attribute with a value")
		}
		return nil, p.errorf(v, "%s is compared with another attribute, which is not supported; compare with a value (quote text as '%s')", word, clip(v.text))
	default:
		return nil, p.errorf(v, "a value should follow %s %s, such as '…', a number, true, false, null, a GUID or a date", word, op.text)
	}
	if next := p.peek(); next.kind == tIdent && isArithmetic(next.text) {
		return nil, p.errorf(next, "the arithmetic operator %s is not supported; compare an attribute with a value", next.text)
	}
	return &Comparison{Property: word, Op: op.text, Value: v.lit}, nil
}

func (p *parser) function(name token) (Expr, error) {
	switch {
	case name.text == "contains" || name.text == "startswith" || name.text == "endswith":
	case refusedFunctions[name.text]:
		return nil, p.errorf(name, "the function %s is not supported; cif-host supports contains, startswith and endswith (string comparisons ignore case already)", name.text)
	case strings.EqualFold(name.text, "contains") || strings.EqualFold(name.text, "startswith") || strings.EqualFold(name.text, "endswith"):
		return nil, p.errorf(name, "write the function %s in lower case: %s", name.text, strings.ToLower(name.text))
	default:
		return nil, p.errorf(name, "%s is not a function cif-host supports; use contains, startswith or endswith", clip(name.text))
	}
	p.terms++
	if p.terms > MaxTerms {
		return nil, p.errorf(name, "the filter has more than %d comparisons; simplify it", MaxTerms)
	}
	p.next() // (
	prop := p.next()
	if prop.kind != tIdent || isKeyword(prop.text) {
		return nil, p.errorf(prop, "%s takes an attribute name first, such as %s(fullname,'ann')", name.text, name.text)
	}
	if c := p.next(); c.kind != tComma {
		return nil, p.errorf(c, "%s takes two arguments separated by a comma: %s(%s,'text')", name.text, name.text, prop.text)
	}
	v := p.next()
	if v.kind != tLiteral || v.lit.Kind != StringLit {
		return nil, p.errorf(v, "%s's second argument is the text to look for, in single quotes: %s(%s,'text')", name.text, name.text, prop.text)
	}
	if c := p.next(); c.kind != tClose {
		return nil, p.errorf(c, "%s takes two arguments; close it with ) after the text", name.text)
	}
	if next := p.peek(); next.kind == tIdent && isComparisonOp(next.text) {
		return nil, p.errorf(next, "%s is already a condition; leave out %s …", name.text, next.text)
	}
	return &Function{Name: name.text, Property: prop.text, Value: v.lit}, nil
}

func isComparisonOp(s string) bool {
	for _, op := range comparisonOps {
		if s == op {
			return true
		}
	}
	return false
}

func isArithmetic(s string) bool {
	switch s {
	case "add", "sub", "mul", "div", "divby", "mod":
		return true
	}
	return false
}

func isKeyword(s string) bool {
	return s == "and" || s == "or" || s == "not" || isComparisonOp(s) || isArithmetic(s) || s == "in" || s == "has"
}
