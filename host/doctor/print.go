package doctor

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Print writes the report as people read it: the table, one row per
// browser; the manifest each browser uses; every problem with its fix;
// cif-host's files.
func (r Report) Print(w io.Writer) {
	if len(r.Rows) == 0 {
		fmt.Fprintln(w, "No browser found. Name one with --browser, or install Chrome, Chromium, Edge, Brave, Vivaldi, Firefox, LibreWolf or Waterfox.")
	} else {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "BROWSER\tLEVEL\t"+strings.ToUpper(strings.Join(Columns, "\t")))
		for _, row := range r.Rows {
			cells := []string{row.Browser, or(row.Level, "-")}
			for _, c := range row.Checks {
				cells = append(cells, string(c.Status))
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
		tw.Flush()

		fmt.Fprintln(w, "\nManifests:")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, row := range r.Rows {
			fmt.Fprintf(tw, "  %s\t%s\n", row.Browser, or(row.Manifest, "none found"))
		}
		tw.Flush()
	}

	var problems []string
	for _, row := range r.Rows {
		for _, c := range row.Checks {
			if c.Status == Fail || c.Status == Warn {
				problems = append(problems, fmt.Sprintf("  %s %s %s: %s\n    fix: %s", c.Status, row.Browser, c.Name, c.Detail, c.Fix))
			}
		}
	}
	for _, c := range r.Files {
		if c.Status == Fail || c.Status == Warn {
			problems = append(problems, fmt.Sprintf("  %s %s: %s\n    fix: %s", c.Status, c.Name, c.Detail, c.Fix))
		}
	}
	if len(problems) > 0 {
		fmt.Fprintln(w, "\nProblems, each with its fix:")
		if r.Command != "" {
			fmt.Fprintf(w, "  (cif-host in the fixes is %s)\n", r.Command)
		}
		fmt.Fprintln(w, strings.Join(problems, "\n"))
	}

	fmt.Fprintln(w, "\ncif-host's files:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range r.Files {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", c.Name, c.Status, c.Detail)
	}
	tw.Flush()
	for _, row := range r.Rows {
		if row.Check("hello").Status != Skip {
			fmt.Fprintf(w, "\nhello used the profile id %q, a workspace of its own: no browser profile's sessions were opened.\n", Profile)
			break
		}
	}
	switch {
	case len(r.Rows) == 0:
		fmt.Fprintln(w, "Result: no browser to check.")
	case r.Failed():
		fmt.Fprintln(w, "Result: a browser cannot reach cif-host until the FAIL lines above are fixed.")
	default:
		fmt.Fprintln(w, "Result: every browser listed can reach cif-host.")
	}
}

// WriteJSON writes the report for programs and support tickets: the
// version and system it ran on, whether it failed, every browser's checks
// and cif-host's files, with the same names, verdicts and fixes as Print.
func (r Report) WriteJSON(w io.Writer, version, goos string) error {
	if r.Rows == nil {
		r.Rows = []Row{}
	}
	out := struct {
		Version string `json:"version"`
		OS      string `json:"os"`
		Failed  bool   `json:"failed"`
		Report
	}{version, goos, r.Failed(), r}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write the report: %w", err)
	}
	return nil
}

func or(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
