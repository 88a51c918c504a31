package main

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const guidePath = "../../templates/guides/emulator.md.tmpl"

// guideTexts returns the guide template and every example file it includes
// (codefile, tffile), by path.
func guideTexts(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile(guidePath)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{guidePath: string(b)}
	for _, m := range regexp.MustCompile(`\{\{\s*(?:codefile\s+"[^"]*"|tffile)\s+"([^"]+)"\s*\}\}`).FindAllStringSubmatch(string(b), -1) {
		inc, err := os.ReadFile(filepath.Join("../..", m[1]))
		if err != nil {
			t.Errorf("the guide includes %s: %v", m[1], err)
			continue
		}
		out[m[1]] = string(inc)
	}
	if len(out) < 4 {
		t.Errorf("the guide includes only %d files", len(out)-1)
	}
	return out
}

// guideFlag finds the flags a shell line passes to veeam-emulator.
var guideFlag = regexp.MustCompile(`(?:^|\s)-([a-z][a-z0-9-]*)`)

// TestGuideNamesOnlyExistingFlags: every veeam-emulator flag the emulator
// guide names exists, and the guide covers the flags it must.
func TestGuideNamesOnlyExistingFlags(t *testing.T) {
	c, err := parse(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	named := map[string]bool{}
	for path, text := range guideTexts(t) {
		for name := range flagsIn(text) {
			named[name] = true
			if c.flags.Lookup(name) == nil && name != "h" && name != "help" {
				t.Errorf("%s names -%s, which veeam-emulator does not have", path, name)
			}
		}
	}
	for _, must := range []string{"config", "ca-cert-out", "control", "state", "fault-503-rate", "fault-drop-rate", "fault-latency", "plain-http", "user",
		"print-seed", "tls-host", "aws", "vbr", "vro", "vao", "em"} {
		if !named[must] {
			t.Errorf("the guide does not mention -%s", must)
		}
	}
}

// flagsIn returns the veeam-emulator flags a text names: in prose written
// `-name`; in shell they follow veeam-emulator on its line or on the
// backslash-continued lines after it, or sit in a bash array of its arguments.
func flagsIn(text string) map[string]bool {
	named := map[string]bool{}
	for _, m := range regexp.MustCompile("`-([a-z][a-z0-9-]*)").FindAllStringSubmatch(text, -1) {
		named[m[1]] = true
	}
	cont := false
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "args=(") || strings.HasPrefix(strings.TrimSpace(line), "args+=(") {
			line = "veeam-emulator " + line
		}
		i := strings.Index(line, "veeam-emulator ")
		if i < 0 && !cont {
			continue
		}
		seg := line
		if i >= 0 && !cont {
			seg = line[i+len("veeam-emulator"):]
		}
		for _, m := range guideFlag.FindAllStringSubmatch(seg, -1) {
			named[m[1]] = true
		}
		cont = strings.HasSuffix(strings.TrimSpace(line), `\`) || (strings.Contains(line, "args=(") && !strings.Contains(line, ")"))
	}
	return named
}
