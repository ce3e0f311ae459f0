// Learning (seed 004): the style hints of every form by hint source, and the aggregator's last run.
import { html, useState } from "../lib.js";
import { api } from "../api.js";
import { ChartView, Field, FormError, LoadError, Section, Spinner, num, pct, useAction, useLoad, when } from "../ui.js";

const SOURCES = ["form", "segment", "family", "none"];
const SOURCE_COLOURS = { form: "#15803d", segment: "#2563eb", family: "#a16207", none: "#64748b" };
const SOURCE_WORDS = {
  form: "the form's own runs (>= 5)", segment: "the role level in the ATS family (>= 5)",
  family: "the ATS family (>= 10)", none: "too little data: no hint (source null)",
};

export function LearningPage() {
  return html`<h1>Learning</h1>
    <p class="muted">Which answer style works best per job-application form, with fallback to the role level and the ATS family.</p>
    <${LatestRun} />
    <${Profiles} />`;
}

function LatestRun() {
  const run = useLoad(() => api.get("/api/extension/learning/runs/latest"), []);
  const r = run.data;
  return html`<${Section} title="Aggregator: last run" id="last-run" actions=${html`<button type="button" class="secondary" onClick=${run.reload}>Refresh</button>`}>
    <${LoadError} error=${run.error} what="The aggregator has not run yet. It runs on its schedule (hourly by default); locally fire it with make fire RULE=<stack>-learning-aggregate." />
    ${run.loading && !r ? html`<${Spinner} label="Loading…" />` : ""}
    ${r ? html`<div class="layout-2 tight">
      <dl class="facts" data-testid="last-run">
        <dt>Finished</dt><dd>${when(r.finished_at)}</dd>
        <dt>Window</dt><dd>${r.lookback_days} days up to ${when(r.aggregated_at)}</dd>
        <dt>Events read</dt><dd data-testid="events-read">${num(r.events)}</dd>
        <dt>Profiles written</dt><dd data-testid="profiles-written">${num(r.profiles)}</dd>
        <dt>Time</dt><dd>read ${r.timings_s.read} s · aggregate ${r.timings_s.aggregate} s · write ${r.timings_s.write} s</dd>
      </dl>
      <div><h3>Hints by source</h3>
        <${ChartView} type="bar" label="Hints by source" height=${180} data=${{
          labels: SOURCES, datasets: [{ label: "Profiles", data: SOURCES.map((s) => r.profiles_by_source[s] ?? 0), backgroundColor: SOURCES.map((s) => SOURCE_COLOURS[s]) }],
        }} options=${{ indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }} />
      </div></div>` : ""}
  </${Section}>`;
}

function Profiles() {
  const [filters, setFilters] = useState({ host: "", source: "" });
  const [applied, setApplied] = useState(filters);
  const [pages, setPages] = useState([]);
  const list = useLoad(async () => {
    const first = await api.get("/api/extension/learning/profiles", { ...applied, limit: 25 });
    setPages([first]);
    return first;
  }, [JSON.stringify(applied)]);
  const [more, loadingMore, moreError] = useAction();
  const items = pages.flatMap((p) => p.items);
  const next = pages.length ? pages[pages.length - 1].next_cursor : null;
  const set = (name) => (value) => setFilters((f) => ({ ...f, [name]: value }));
  return html`<${Section} title="Style hints" id="hints">
    <form class="filters row" onSubmit=${(e) => { e.preventDefault(); setApplied(filters); }} aria-label="Filter style hints" novalidate>
      <${Field} label="Host" name="host" value=${filters.host} onInput=${set("host")} error=${list.error} placeholder="boards.greenhouse.io" />
      <${Field} label="Source" name="source" value=${filters.source} onInput=${set("source")} options=${["", ...SOURCES]} error=${list.error} />
      <button type="submit" class="align-end">Filter</button>
    </form>
    <ul class="legend">${SOURCES.map((s) => html`<li><span class=${`source source-${s}`}>${s}</span> ${SOURCE_WORDS[s]}</li>`)}</ul>
    ${list.error && !list.error.errors?.length ? html`<${LoadError} error=${list.error} />` : ""}
    ${list.loading && !items.length ? html`<${Spinner} label="Loading style hints…" />` : ""}
    ${!list.loading && !list.error && !items.length ? html`<p class="empty">No form profiles${applied.host || applied.source ? " match" : " yet: sync events and let the aggregator run"}.</p>` : ""}
    ${items.length ? html`<table class="data hints"><thead><tr><th>Host</th><th>Form</th><th>Family</th><th>Segment</th><th>Source</th><th>Preferred style</th><th>Helpful (lower bound)</th><th>Runs</th><th>Aggregated</th></tr></thead>
      <tbody>${items.map((p) => {
        const hint = p.style_hint;
        const stats = hint.preferred_style_id ? hint.style_stats[hint.preferred_style_id] : null;
        return html`<tr data-form=${`${p.host}#${p.schema_hash}`}>
          <td>${p.host}</td><td><code>${p.schema_hash}</code></td><td>${p.family}</td><td>${hint.segment_key || p.segment_key || "–"}</td>
          <td><span class=${`source source-${hint.source ?? "none"}`} data-source=${hint.source ?? "none"}>${hint.source ?? "none"}</span></td>
          <td><strong>${hint.preferred_style_id || "–"}</strong></td>
          <td>${stats ? `${pct(stats.posterior_mean)} (≥ ${pct(stats.lower_bound)})` : "–"}</td>
          <td>${num(p.runs)}</td><td>${when(p.aggregated_at)}</td></tr>`;
      })}</tbody></table>` : ""}
    ${next ? html`<button type="button" disabled=${loadingMore} onClick=${() => more(async () => {
      const page = await api.get("/api/extension/learning/profiles", { ...applied, limit: 25, cursor: next }); setPages((p) => [...p, page]); })}>More</button>` : ""}
    <${FormError} error=${moreError || (list.error?.errors?.length ? list.error : null)} fields=${["host", "source"]} />
  </${Section}>`;
}
