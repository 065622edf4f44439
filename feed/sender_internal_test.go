package feed

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

// TestSSRFRefusals attacks the SSRF rule: endpoint URLs naming or
// resolving to loopback, private, link-local and other non-public
// addresses are refused at creation, dials to them are refused at dial
// time, and a redirect from an allowed address to a forbidden one is not
// followed.
func TestSSRFRefusals(t *testing.T) {
	ctx := context.Background()
	for _, u := range []string{
		"http://127.0.0.1/hook", "http://localhost:8080/hook", "http://10.1.2.3/", "http://192.168.0.1/", "http://172.16.5.4/",
		"http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://[fe80::1]/", "http://[fd00::1]/", "http://0.0.0.0/",
		"http://100.64.0.1/", "http://[::ffff:127.0.0.1]/",
	} {
		if err := CheckURL(ctx, u, false); err == nil {
			t.Errorf("CheckURL(%s) accepted a forbidden address", u)
		}
		if err := CheckURL(ctx, u, true); err != nil {
			t.Errorf("CheckURL(%s) with private allowed: %v", u, err)
		}
	}
	if err := CheckURL(ctx, "https://93.184.215.14/hook", false); err != nil {
		t.Errorf("a public address was refused: %v", err)
	}

	hit := false
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hit = true }))
	defer target.Close()
	// At dial time: the client refuses 127.0.0.1 even though the URL
	// passed no creation check.
	if _, err := NewClient(false).Get(target.URL); !errors.Is(err, ErrForbiddenAddress) {
		t.Fatalf("dial to loopback: %v, want ErrForbiddenAddress", err)
	}
	// A redirect from an allowed address (127.0.0.2 stands for a public
	// one here) to a forbidden one (127.0.0.1).
	redirector := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL, http.StatusFound)
	}))
	redirector.Listener.Close()
	ln, err := netListen("127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2: %v", err)
	}
	redirector.Listener = ln
	redirector.Start()
	defer redirector.Close()
	only2 := func(a netip.Addr) bool { return a != netip.MustParseAddr("127.0.0.2") }
	if _, err := newClient(only2).Get(redirector.URL); !errors.Is(err, ErrForbiddenAddress) {
		t.Fatalf("redirect to a forbidden address: %v, want ErrForbiddenAddress", err)
	}
	if hit {
		t.Fatal("the forbidden target was reached")
	}
}

func netListen(addr string) (net.Listener, error) { return net.Listen("tcp", addr) }
