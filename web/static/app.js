// Pursuit's only script: with it, the search page updates its results as
// you type or tick a filter, without a full reload; without it, the same
// form submits as a plain GET. The URL always holds the whole search.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form || !window.fetch || !window.history.pushState) return;
  var timer = null, inflight = null, seq = 0;

  function queryOf() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (v, k) {
      if (typeof v === "string" && v !== "") params.append(k, v);
    });
    return params.toString();
  }

  function swap(doc) {
    ["results", "facets"].forEach(function (id) {
      var now = document.getElementById(id), next = doc.getElementById(id);
      if (now && next) now.replaceWith(next);
    });
    var saved = doc.getElementById("save-query"), mine = document.getElementById("save-query");
    if (saved && mine) mine.value = saved.value;
    document.title = doc.title;
  }

  function load(url, push) {
    var my = ++seq;
    if (inflight) inflight.abort();
    inflight = new AbortController();
    var results = document.getElementById("results");
    if (results) results.setAttribute("aria-busy", "true");
    var active = document.activeElement && document.activeElement.id;
    fetch(url, { headers: { "X-Live": "1" }, credentials: "same-origin", signal: inflight.signal })
      .then(function (r) {
        if (r.redirected && r.url.indexOf("/signin") >= 0) { window.location = r.url; return null; }
        return r.text();
      })
      .then(function (html) {
        if (html === null || my !== seq) return;
        swap(new DOMParser().parseFromString(html, "text/html"));
        if (push) history.pushState({ live: true }, "", url);
        if (active) { var el = document.getElementById(active); if (el && el !== document.activeElement) el.focus(); }
      })
      .catch(function (e) { if (e.name !== "AbortError") window.location = url; });
  }

  function update(delay) {
    clearTimeout(timer);
    timer = setTimeout(function () { load("/search?" + queryOf(), true); }, delay);
  }

  form.addEventListener("input", function (e) {
    if (e.target.form !== form) return; // the rows' checkboxes belong to the add-to-list form
    if (e.target.type === "checkbox" || e.target.type === "radio" || e.target.tagName === "SELECT") return;
    update(250);
  });
  form.addEventListener("change", function (e) {
    if (e.target.form !== form) return;
    if (e.target.type === "checkbox" || e.target.type === "radio" || e.target.tagName === "SELECT") update(0);
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); update(0); });
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("#prev, #next");
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    load(a.getAttribute("href"), true);
  });
  window.addEventListener("popstate", function () {
    window.location.reload();
  });
})();
