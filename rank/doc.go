// Package rank is the learned ranking of contacts searches: it re-ranks
// the engine's best candidates (package search) for each customer with a
// pairwise logistic-regression model trained on the customer's own
// engagement events, and records those events.
//
//   - features.go: the features of a (query, contact) pair, and the
//     impression items logged with them;
//   - model.go: the model (global weights, a per-customer adjustment and
//     the customer's learned affinities), scoring and explanations;
//   - train.go: training from the store's events (pairs from impressions,
//     affinities, Newton's method);
//   - ranker.go: Ranker, which searches through the index and re-ranks;
//   - recorder.go: Recorder, the bounded, asynchronous, batched event
//     writer the API and the web app call.
//
// docs/ranking.md describes every feature, the objective, and the rules
// the re-ranking keeps (it never hides a result, a name or email look-up
// stays first, sort=relevance_basic is the engine's order, one customer's
// events and model never reach another's results).
package rank
