// Package e2e holds the end-to-end tests of latch: they build the latch
// command once, start "latch serve" on a free loopback port in a temporary
// directory per test, and drive every row of CONTRACT.md over HTTP, on the
// command line and, when Chromium is installed, in a headless browser.
//
// The package has no code of its own besides this comment; run it with
//
//	go test -race -count=1 ./e2e/
//
// Set LATCH_E2E_RACE=1 to build the server itself with the race detector
// too (slower), and LATCH_REQUIRE_BROWSER=1 to fail rather than skip the
// browser test where Chromium is missing.
package e2e
