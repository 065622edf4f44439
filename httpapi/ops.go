package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/pursuit-gov/pursuit"
)

// metrics are the server's Prometheus metrics.
type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	handler  http.Handler
}

func newMetrics(s *Server, reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pursuit_http_requests_total",
			Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "pursuit_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"route"}),
	}
	stat := func(f func(*Server) float64) func() float64 { return func() float64 { return f(s) } }
	reg.MustRegister(m.requests, m.latency,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "pursuit_index_contacts", Help: "Contacts in the search index.",
		}, stat(func(s *Server) float64 {
			if ix := s.Index(); ix != nil {
				return float64(ix.Stats().Contacts)
			}
			return 0
		})),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "pursuit_index_places", Help: "Places in the search index.",
		}, stat(func(s *Server) float64 {
			if ix := s.Index(); ix != nil {
				return float64(ix.Stats().Places)
			}
			return 0
		})),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "pursuit_index_memory_bytes", Help: "Estimated memory held by the search index.",
		}, stat(func(s *Server) float64 {
			if ix := s.Index(); ix != nil {
				return float64(ix.Stats().MemoryBytes)
			}
			return 0
		})),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "pursuit_index_change_lag", Help: "change_log rows committed but not yet applied to the search index.",
		}, stat(func(s *Server) float64 { return float64(s.lag()) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "pursuit_index_ready", Help: "1 once the search index is built.",
		}, stat(func(s *Server) float64 {
			if s.Index() != nil {
				return 1
			}
			return 0
		})),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	return m
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
}

// lag returns how many change_log rows the index has not applied yet, or
// -1 when it cannot tell.
func (s *Server) lag() int64 {
	ix := s.Index()
	if ix == nil {
		return -1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	last, err := s.store.LastSeq(ctx)
	if err != nil {
		return -1
	}
	return max(0, last-ix.Stats().LastSeq)
}

func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// handleReadyz answers 200 once the index is built and the store answers,
// 503 before. The answer is a yes or no: it is public, and counts of the
// store's rows are not the public's (they are in /metrics, for
// operators).
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) error {
	if s.Index() == nil {
		return pursuit.Errorf(pursuit.EUNAVAILABLE, "the search index is being built")
	}
	if _, err := s.store.LastSeq(r.Context()); err != nil {
		return &pursuit.Error{Code: pursuit.EUNAVAILABLE, Message: "the store does not answer", Err: err}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	return nil
}

// handleMetrics serves the metrics to an admin key (routes.go).
func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) error {
	s.metrics.handler.ServeHTTP(w, r)
	return nil
}

// MetricsHandler serves the Prometheus metrics without a key, for a
// listener of their own on an address only operators reach (`pursuit
// serve --metrics-addr`). On the API's address /metrics needs an admin
// key: the metrics hold the index's contact and place counts.
func (s *Server) MetricsHandler() http.Handler { return s.metrics.handler }
