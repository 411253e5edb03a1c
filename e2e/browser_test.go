package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// chromiumPath is where Debian's chromium package installs the browser.
const chromiumPath = "/usr/bin/chromium"

// newBrowser starts a headless Chromium with a fresh profile for the test
// and returns its context, bounded by timeout. Without Chromium the test
// skips, or fails when LATCH_REQUIRE_BROWSER=1 (as in CI).
func newBrowser(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("LATCH_REQUIRE_BROWSER") == "1" {
			t.Fatalf("chromium not installed at %s and LATCH_REQUIRE_BROWSER=1", chromiumPath)
		}
		t.Skip("chromium not installed; apt-get install chromium")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
	// The bound covers the whole browser: the first Run starts it under
	// this context.
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return bctx
}

// page reads the current path and visible text.
func pageText(t *testing.T, ctx context.Context) (path, text string) {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatalf("reading the location: %v", err)
	}
	text, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if err != nil {
		t.Fatalf("reading the page: %v", err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatalf("location %q: %v", loc, err)
	}
	return u.Path, text
}

// waitFor waits until the JavaScript expression js is true in the page,
// across navigations (an evaluation that fails while a page loads is
// tried again).
func waitFor(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			path, text := pageText(t, ctx)
			t.Fatalf("waiting for %s: %v; the page at %s reads:\n%s", what, err, path, snippet(text))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitText waits until the page's text holds want.
func waitText(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	waitFor(t, ctx, strconv.Quote(want), `!!document.body && document.body.innerText.includes(`+strconv.Quote(want)+`)`)
}

// waitPath waits until the page is loaded at path.
func waitPath(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	waitFor(t, ctx, "page "+path, `location.pathname === `+strconv.Quote(path)+` && document.readyState === "complete"`)
}

func TestBrowser(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	ctx := newBrowser(t, 60*time.Second)
	var mu sync.Mutex
	var lastNav page.NavigationType // of the main frame, to explain a failure
	err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*page.EventFrameNavigated); ok && e.Frame.ParentID == "" {
			mu.Lock()
			lastNav = e.Type
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatalf("listening to the browser: %v", err)
	}

	t.Run("an anonymous visit lands on the sign-in form", func(t *testing.T) {
		if err := chromedp.Do(ctx,
			chromedp.Navigate(s.base+"/"),
			chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)),
		); err != nil {
			t.Fatalf("opening /: %v", err)
		}
		if path, _ := pageText(t, ctx); path != "/login" {
			t.Errorf("opening / landed on %s, want /login", path)
		}
	})

	t.Run("signing in through the form shows the welcome page", func(t *testing.T) {
		if err := chromedp.Do(ctx,
			chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "admin"),
			chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), s.adminPW),
			chromedp.Submit(chromedp.CSS(`input[name="password"]`)),
		); err != nil {
			t.Fatalf("submitting the form: %v", err)
		}
		waitText(t, ctx, "Welcome, admin")
		if path, _ := pageText(t, ctx); path != "/" {
			t.Errorf("after sign-in the browser is at %s, want /", path)
		}
	})

	t.Run("the session cookie is HttpOnly, SameSite Lax, not Secure on http", func(t *testing.T) {
		cookies, err := chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) ([]*network.Cookie, error) {
			res, err := cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{URLs: []string{s.base + "/"}})
			return res.Cookies, err
		})
		if err != nil {
			t.Fatalf("reading cookies: %v", err)
		}
		var ck *network.Cookie
		for _, c := range cookies {
			if c.Name == s.cookieName {
				ck = c
			}
		}
		if ck == nil {
			t.Fatalf("the browser holds no %s cookie (%d cookies)", s.cookieName, len(cookies))
		}
		if !ck.HTTPOnly {
			t.Errorf("cookie is not HttpOnly")
		}
		if ck.SameSite != network.CookieSameSiteLax {
			t.Errorf("cookie SameSite %q, want Lax", ck.SameSite)
		}
		if ck.Secure {
			t.Errorf("cookie is Secure on plain http")
		}
		if ck.Path != "/" {
			t.Errorf("cookie Path %q, want /", ck.Path)
		}
		visible, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.cookie`))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(visible, s.cookieName+"=") {
			t.Errorf("document.cookie shows the session cookie: %q", visible)
		}
	})

	t.Run("the sign-out button lands on the sign-in page", func(t *testing.T) {
		sel := chromedp.CSS(`form[action="/logout"] button, form[action="/logout"] input[type="submit"]`)
		if err := chromedp.Do(ctx, chromedp.Click(sel)); err != nil {
			t.Fatalf("clicking sign out: %v", err)
		}
		waitPath(t, ctx, "/login")
	})

	t.Run("Back shows no signed-in page", func(t *testing.T) {
		// chromedp.NavigateBack waits for a load event, which a page
		// restored from the back/forward cache never fires: go back
		// without waiting, then read what is shown once it settles.
		err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			h, err := cdp.Call(ctx, tg, page.GetNavigationHistory, cdp.Empty{})
			if err != nil {
				return err
			}
			if h.CurrentIndex < 1 {
				return fmt.Errorf("no history entry to go back to")
			}
			_, err = cdp.Call(ctx, tg, page.NavigateToHistoryEntry, page.NavigateToHistoryEntryParams{EntryID: h.Entries[h.CurrentIndex-1].ID})
			return err
		}))
		if err != nil {
			t.Fatalf("going back: %v", err)
		}
		time.Sleep(500 * time.Millisecond)
		waitFor(t, ctx, "a loaded page", `document.readyState === "complete"`)
		path, text := pageText(t, ctx)
		if strings.Contains(text, "Welcome") {
			mu.Lock()
			how := lastNav
			mu.Unlock()
			t.Errorf("after sign-out, Back shows the signed-in page at %s (navigation: %s):\n%s", path, how, snippet(text))
		}
	})
}
