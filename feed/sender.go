package feed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"syscall"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// Retry policy: an attempt that fails is retried after
// RetryBase·3^(attempts-1), capped at RetryMax, each delay jittered by up
// to ±RetryJitter; once a delivery is GiveUpAfter old and fails again it
// fails for good and its endpoint is disabled with the reason. With these
// values a failing endpoint gets 12 attempts over about a day (5 s, 15 s,
// 45 s, … 6 h, 6 h, 6 h).
const (
	RetryBase   = 5 * time.Second
	RetryMax    = 6 * time.Hour
	RetryJitter = 0.2
	GiveUpAfter = 24 * time.Hour
	// responseExcerpt is how much of a response body the delivery log
	// keeps.
	responseExcerpt = 512
	// sendTimeout bounds one attempt.
	sendTimeout = 15 * time.Second
)

// RetryDelay returns the delay before the attempt after the n-th failed
// one (n ≥ 1), jittered with r (a number in [0, 1)).
func RetryDelay(n int, r float64) time.Duration {
	d := RetryBase
	for i := 1; i < n && d < RetryMax; i++ {
		d *= 3
	}
	d = min(d, RetryMax)
	return time.Duration(float64(d) * (1 - RetryJitter + 2*RetryJitter*r))
}

// ErrForbiddenAddress is the error of a dial to an address the SSRF rule
// refuses.
var ErrForbiddenAddress = errors.New("refused: the address is loopback, private, link-local or otherwise not public")

// forbidden reports whether ip may not be dialled without AllowPrivate.
func forbidden(ip netip.Addr) bool {
	ip = ip.Unmap()
	return !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast() ||
		cgnat.Contains(ip) || benchmarking.Contains(ip) || ip == netip.MustParseAddr("255.255.255.255")
}

var (
	cgnat        = netip.MustParsePrefix("100.64.0.0/10")
	benchmarking = netip.MustParsePrefix("198.18.0.0/15")
)

// NewClient returns the HTTP client deliveries use. Unless allowPrivate,
// its dialer checks every address it connects to after DNS resolution
// (so a name that resolves, or is rebound, to a private address is
// refused at dial time), and a redirect is followed only to an address
// the same check accepts (at most 3).
func NewClient(allowPrivate bool) *http.Client {
	if allowPrivate {
		return newClient(nil)
	}
	return newClient(forbidden)
}

// newClient returns a client whose dialer refuses the addresses refuse
// reports (none when nil).
func newClient(refuse func(netip.Addr) bool) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second}
	if refuse != nil {
		d.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || refuse(ap.Addr()) {
				return fmt.Errorf("dial %s: %w", address, ErrForbiddenAddress)
			}
			return nil
		}
	}
	tr := &http.Transport{
		DialContext:           d.DialContext,
		MaxIdleConns:          4 * DefaultWorkers,
		MaxIdleConnsPerHost:   DefaultWorkers, // every worker keeps its connection alive, even to one host
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: sendTimeout,
		Proxy:                 nil, // a proxy would dial for us, past the check
	}
	return &http.Client{
		Transport: tr,
		Timeout:   sendTimeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("stopped after 3 redirects")
			}
			return nil // the dialer checks the redirect's address
		},
	}
}

// CheckURL refuses an endpoint URL whose host is, or resolves to, an
// address the SSRF rule forbids (unless allowPrivate). The dialer checks
// again at every delivery: DNS may change.
func CheckURL(ctx context.Context, raw string, allowPrivate bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		return pursuit.FieldErrorf(pursuit.EINVALID, "url", "%q is not a URL", raw)
	}
	if allowPrivate {
		return nil
	}
	host := u.Hostname()
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{ip}
	} else {
		ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return pursuit.FieldErrorf(pursuit.EINVALID, "url", "cannot resolve %q: %v", host, err)
		}
		addrs = ips
	}
	for _, ip := range addrs {
		if forbidden(ip) {
			return pursuit.FieldErrorf(pursuit.EINVALID, "url", "%q resolves to %s, a loopback, private or link-local address; the operator must allow private webhook addresses (--webhooks-allow-private)", host, ip)
		}
	}
	return nil
}

// attempt sends one delivery and returns its outcome (without the retry
// decision).
func attempt(ctx context.Context, client *http.Client, d *pursuit.WebhookDelivery, now time.Time, clock func() time.Time) pursuit.DeliveryResult {
	r := pursuit.DeliveryResult{DeliveryID: d.DeliveryID, At: now}
	sig, err := Sign(d.MessageID, now, d.Payload, signingSecrets(d.Endpoint, now)...)
	if err != nil {
		r.Error = "sign: " + err.Error()
		return r
	}
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.Endpoint.URL, bytesReader(d.Payload))
	if err != nil {
		r.Error = err.Error()
		return r
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "pursuit-webhooks/1")
	req.Header.Set(HeaderID, d.MessageID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	req.Header.Set(HeaderSignature, sig)
	start := clock()
	resp, err := client.Do(req)
	r.Latency = clock().Sub(start)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, responseExcerpt))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	r.Status, r.Response = resp.StatusCode, string(b)
	r.Delivered = resp.StatusCode >= 200 && resp.StatusCode < 300
	if !r.Delivered {
		r.Error = "HTTP " + resp.Status
	}
	return r
}

// decide fills in a failed attempt's retry: the next attempt's time, or
// giving up (and disabling the endpoint) once the delivery is older than
// GiveUpAfter.
func decide(r *pursuit.DeliveryResult, d *pursuit.WebhookDelivery, rng *rand.Rand) {
	if r.Delivered {
		return
	}
	n := d.Attempts + 1
	if r.At.Sub(d.CreatedAt) >= GiveUpAfter {
		r.Next = time.Time{}
		r.DisableReason = fmt.Sprintf("%d delivery attempts of %s failed over %s; last: %s", n, d.MessageID, r.At.Sub(d.CreatedAt).Round(time.Minute), r.Error)
		return
	}
	r.Next = r.At.Add(RetryDelay(n, rng.Float64()))
}
