// Package bench measures latch beside a bare net/http handler and beside
// its peers, alexedwards/scs and gorilla/sessions, on the same workloads.
//
// It is a module of its own so that users of latch never download its
// rivals. It holds no library code: the benchmarks and tests are in its
// _test.go files, the whole-server script is wrk.sh with its baseline
// server in cmd/bare. See README.md.
package bench
