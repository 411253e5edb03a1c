package throttle_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/latchgo/latch/auth/throttle"
)

func Example() {
	limit, window, err := throttle.ParseRate("5/15m")
	if err != nil {
		log.Fatal(err)
	}
	l := &throttle.Limiter{Store: throttle.NewMemory(), Limit: limit, Window: window}

	// login stands for checking a password.
	login := func(ctx context.Context, username, ip, pw string) error {
		user := "user:" + strings.ToLower(username)
		if err := l.Check(ctx, user, "ip:"+ip); err != nil {
			return err // a *throttle.Error: answer 429 with Retry-After
		}
		if pw != "hunter2" {
			if err := l.Fail(ctx, user, "ip:"+ip); err != nil {
				return err
			}
			return errors.New("wrong password")
		}
		return l.Reset(ctx, user)
	}

	ctx := context.Background()
	for range 6 {
		err := login(ctx, "Alice", "192.0.2.1", "guess")
		var te *throttle.Error
		if errors.As(err, &te) {
			fmt.Println("throttled; retry after", te.RetryAfter)
		} else {
			fmt.Println(err)
		}
	}
	// Output:
	// wrong password
	// wrong password
	// wrong password
	// wrong password
	// wrong password
	// throttled; retry after 15m0s
}

func ExampleParseRate() {
	limit, window, err := throttle.ParseRate("10/1h")
	fmt.Println(limit, window, err)
	_, _, err = throttle.ParseRate("10 per hour")
	fmt.Println(err)
	// Output:
	// 10 1h0m0s <nil>
	// throttle: rate "10 per hour": want limit/window, like 5/15m
}

func ExampleLimiter_Check() {
	l := &throttle.Limiter{Store: throttle.NewMemory(), Limit: 1, Window: 30 * time.Second}
	ctx := context.Background()
	if err := l.Fail(ctx, "ip:192.0.2.1"); err != nil {
		log.Fatal(err)
	}
	fmt.Println(l.Check(ctx, "ip:192.0.2.1"))
	// Output: throttle: too many failed attempts; retry after 30s
}

func ExampleNewMemory() {
	// One Memory per process; share a SQL or Redis store across instances.
	store := throttle.NewMemory()
	l := &throttle.Limiter{Store: store, Limit: 3, Window: time.Minute}
	fmt.Println(l.Check(context.Background(), "user:alice"))
	// Output: <nil>
}
