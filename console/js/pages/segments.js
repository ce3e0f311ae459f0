// Segments (seed 001): list with filters (persona, status, strategy); create/edit with the criteria of
// each strategy; members; content variants and their performance; analytics with charts (engagement
// trend, per-variant conversion with confidence intervals, chance to beat control) and recommendations.
import { html, useState } from "../lib.js";
import { api } from "../api.js";
import {
  ChartView, Field, FormError, LoadError, Notice, Section, Spinner, StatusPill, num, pct, splitList, useAction,
  useLoad, when,
} from "../ui.js";

const BASE = "/api/v1/segments";
const STRATEGIES = ["demographic", "behavioral", "engagement", "hybrid"];
const STATUSES = ["active", "paused", "archived"];

// The criteria each strategy takes (docs/segments.md); hybrid takes any of them.
const CRITERIA = {
  demographic: [
    { key: "age_range", label: "Age range", kind: "range" },
    { key: "location", label: "Locations", kind: "list" },
    { key: "gender", label: "Genders", kind: "list" },
    { key: "interests", label: "Interests", kind: "list" },
  ],
  behavioral: [
    { key: "purchase_history", label: "Minimum purchases", kind: "min_purchases" },
    { key: "total_spent_min", label: "Minimum total spent", kind: "number" },
    { key: "engagement_frequency", label: "Engagement at least", kind: "select", options: ["", "daily", "weekly", "monthly", "rarely"] },
    { key: "content_preferences", label: "Content preferences", kind: "list" },
  ],
  engagement: [
    { key: "engagement_level", label: "Engagement level at least", kind: "select", options: ["", "low", "medium", "high"] },
    { key: "avg_session_duration", label: "Average session at least (s)", kind: "number" },
    { key: "last_active_days", label: "Active in the last (days)", kind: "number" },
    { key: "interaction_score_min", label: "Minimum interaction score", kind: "number" },
  ],
};
// Rates from the segments API are percentages (0-100), lifts percentage points (docs/segments.md, "Units").
const rate = (x, digits = 1) => (x === null || x === undefined ? "–" : `${Number(x).toFixed(digits)}%`);
const criteriaOf = (strategy) => (strategy === "hybrid" ? [...CRITERIA.demographic, ...CRITERIA.behavioral, ...CRITERIA.engagement] : CRITERIA[strategy]);

export function SegmentsPage({ route }) {
  if (route.rest[0] === "new") return html`<${SegmentEditor} />`;
  if (route.rest[0]) return html`<${SegmentDetail} id=${route.rest[0]} key=${route.rest[0]} />`;
  return html`<${SegmentList} params=${route.params} />`;
}

function SegmentList({ params }) {
  const [filters, setFilters] = useState({ persona_id: params.persona_id || "", status: params.status || "", strategy: params.strategy || "" });
  const [applied, setApplied] = useState(filters);
  const [pages, setPages] = useState([]);
  const list = useLoad(async () => {
    const first = await api.get(BASE, { ...applied, limit: 20 });
    setPages([first]);
    return first;
  }, [JSON.stringify(applied)]);
  const [more, loadingMore, moreError] = useAction();
  const items = pages.flatMap((p) => p.items);
  const next = pages.length ? pages[pages.length - 1].next_cursor : null;
  const set = (name) => (value) => setFilters((f) => ({ ...f, [name]: value }));
  return html`<h1>Segments</h1>
    <p><a class="button" href="#/segments/new">New segment</a></p>
    <${Section} title="Segments" id="segments-list">
      <form class="filters row" onSubmit=${(e) => { e.preventDefault(); setApplied(filters); }} aria-label="Filter segments">
        <${Field} label="Persona id" name="persona_id" value=${filters.persona_id} onInput=${set("persona_id")} error=${list.error} placeholder="UUID" />
        <${Field} label="Status" name="status" value=${filters.status} onInput=${set("status")} options=${["", ...STATUSES]} error=${list.error} />
        <${Field} label="Strategy" name="strategy" value=${filters.strategy} onInput=${set("strategy")} options=${["", ...STRATEGIES]} error=${list.error} />
        <button type="submit">Filter</button>
      </form>
      <${LoadError} error=${list.error} />
      ${list.loading && !items.length ? html`<${Spinner} label="Loading segments…" />` : ""}
      ${!list.loading && !list.error && !items.length ? html`<p class="empty">No segments match.</p>` : ""}
      ${items.length ? html`<table class="data segments"><thead><tr><th>Name</th><th>Strategy</th><th>Status</th><th>Members</th><th>Persona</th><th>Updated</th></tr></thead>
        <tbody>${items.map((s) => html`<tr data-segment=${s.id}>
          <td><a href=${`#/segments/${s.id}`}>${s.segment_name}</a></td><td>${s.strategy}</td><td><${StatusPill} status=${s.status} /></td>
          <td>${num(s.member_count)}</td><td><code title=${s.persona_id}>${s.persona_id.slice(0, 8)}…</code></td><td>${when(s.updated_at)}</td></tr>`)}</tbody></table>` : ""}
      ${next ? html`<button type="button" disabled=${loadingMore} onClick=${() => more(async () => {
        const page = await api.get(BASE, { ...applied, limit: 20, cursor: next }); setPages((p) => [...p, page]); })}>More</button>` : ""}
      <${FormError} error=${moreError} />
    </${Section}>`;
}

function criteriaToForm(criteria = {}) {
  const form = {};
  for (const [key, value] of Object.entries(criteria)) {
    if (key === "age_range") {
      const [min, max] = Array.isArray(value) ? value : [value.min, value.max];
      form.age_min = min ?? ""; form.age_max = max ?? "";
    }
    else if (key === "purchase_history") form.purchase_history = value.min_purchases ?? "";
    else if (Array.isArray(value)) form[key] = value.join(", ");
    else form[key] = value ?? "";
  }
  return form;
}

function formToCriteria(strategy, form) {
  const criteria = {};
  for (const c of criteriaOf(strategy)) {
    if (c.kind === "range") {
      if (form.age_min !== undefined && form.age_min !== "" || form.age_max !== undefined && form.age_max !== "")
        criteria.age_range = [form.age_min === "" || form.age_min === undefined ? 0 : Number(form.age_min),
          form.age_max === "" || form.age_max === undefined ? 150 : Number(form.age_max)];  // seed 001's [min, max]
    } else if (form[c.key] === undefined || form[c.key] === "") continue;
    else if (c.kind === "list") criteria[c.key] = splitList(form[c.key]);
    else if (c.kind === "number") criteria[c.key] = Number(form[c.key]);
    else if (c.kind === "min_purchases") criteria.purchase_history = { min_purchases: Number(form[c.key]) };
    else criteria[c.key] = form[c.key];
  }
  return criteria;
}

function CriteriaFields({ strategy, form, set, error }) {
  return html`<fieldset class="criteria"><legend>Criteria (${strategy})</legend>
    ${criteriaOf(strategy).map((c) => {
      const name = `criteria.${c.key}`;
      if (c.kind === "range") return html`<div class="row">
        <${Field} label="Age from" name=${`${name}.min`} type="number" min="0" max="150" value=${form.age_min} onInput=${set("age_min")} error=${error} />
        <${Field} label="Age to" name=${`${name}.max`} type="number" min="0" max="150" value=${form.age_max} onInput=${set("age_max")} error=${error} /></div>`;
      if (c.kind === "select") return html`<${Field} label=${c.label} name=${name} value=${form[c.key]} onInput=${set(c.key)} options=${c.options} error=${error} />`;
      return html`<${Field} label=${c.label} name=${name} type=${c.kind === "list" ? "text" : "number"} value=${form[c.key]}
        onInput=${set(c.key)} error=${error} hint=${c.kind === "list" ? "Comma-separated" : undefined} />`;
    })}
  </fieldset>`;
}

function SegmentEditor({ segment, onSaved }) {
  const [form, setForm] = useState(() => ({
    persona_id: segment?.persona_id || "", segment_name: segment?.segment_name || "", description: segment?.description || "",
    strategy: segment?.strategy || "demographic", status: segment?.status || "active",
    estimated_size: segment?.estimated_size ?? "", ...criteriaToForm(segment?.criteria),
  }));
  const set = (name) => (value) => setForm((f) => ({ ...f, [name]: value }));
  const [run, busy, error] = useAction();
  const submit = (e) => {
    e.preventDefault();
    run(async () => {
      const body = { persona_id: form.persona_id.trim(), segment_name: form.segment_name, description: form.description || null,
        strategy: form.strategy, status: form.status, criteria: formToCriteria(form.strategy, form) };
      if (form.estimated_size !== "") body.estimated_size = Number(form.estimated_size);
      const saved = segment ? await api.put(`${BASE}/${segment.id}`, body) : await api.post(BASE, body);
      if (onSaved) onSaved(saved); else location.hash = `#/segments/${saved.id}`;
    });
  };
  const fields = ["persona_id", "segment_name", "description", "strategy", "status", "estimated_size", "criteria"];
  const body = html`<form class="stack" onSubmit=${submit} aria-label=${segment ? "Edit segment" : "New segment"} novalidate>
    <div class="row">
      <${Field} label="Persona id" name="persona_id" value=${form.persona_id} onInput=${set("persona_id")} error=${error} required placeholder="UUID" />
      <button type="button" class="secondary align-end" onClick=${() => set("persona_id")(crypto.randomUUID())}>New persona id</button>
    </div>
    <${Field} label="Name" name="segment_name" value=${form.segment_name} onInput=${set("segment_name")} error=${error} required />
    <${Field} label="Description" name="description" type="textarea" value=${form.description} onInput=${set("description")} error=${error} />
    <div class="row">
      <${Field} label="Strategy" name="strategy" value=${form.strategy} onInput=${set("strategy")} options=${STRATEGIES} error=${error} />
      <${Field} label="Status" name="status" value=${form.status} onInput=${set("status")} options=${STATUSES} error=${error} />
      <${Field} label="Estimated size" name="estimated_size" type="number" min="0" value=${form.estimated_size} onInput=${set("estimated_size")} error=${error} />
    </div>
    <${CriteriaFields} strategy=${form.strategy} form=${form} set=${set} error=${error} />
    <button type="submit" disabled=${busy}>${busy ? "Saving…" : segment ? "Save" : "Create segment"}</button>
    <${FormError} error=${error} fields=${[...fields, ...criteriaOf(form.strategy).map((c) => `criteria.${c.key}`)]} />
  </form>`;
  if (segment) return body;
  return html`<p><a href="#/segments">← Segments</a></p><h1>New segment</h1><${Section} title="Segment" id="segment-form">${body}</${Section}>`;
}

function SegmentDetail({ id }) {
  const loaded = useLoad(() => api.get(`${BASE}/${id}`), [id]);
  const [segment, setSegment] = useState(null);
  const [editing, setEditing] = useState(false);
  const [analyticsTick, setAnalyticsTick] = useState(0);
  const [run, busy, error] = useAction();
  const current = segment || loaded.data;
  if (loaded.error) return html`<p><a href="#/segments">← Segments</a></p><${LoadError} error=${loaded.error} />`;
  if (!current) return html`<${Spinner} label="Loading the segment…" />`;
  const refresh = () => { api.get(`${BASE}/${id}`).then(setSegment); setAnalyticsTick((t) => t + 1); };
  return html`<p><a href="#/segments">← Segments</a></p>
    <h1>${current.segment_name}</h1>
    <div class="toolbar" role="group" aria-label="Segment actions">
      <${StatusPill} status=${current.status} /><span class="pill">${current.strategy}</span>
      <span>${num(current.member_count)} members</span>
      <button type="button" class="secondary" onClick=${() => setEditing(!editing)} aria-expanded=${editing}>${editing ? "Close editor" : "Edit"}</button>
      <button type="button" class="secondary" disabled=${busy} onClick=${() => run(async () => { setSegment(await api.post(`${BASE}/${id}/analyze`)); setAnalyticsTick((t) => t + 1); })}>Analyze now</button>
      <button type="button" class="danger" disabled=${busy} onClick=${() => confirm(`Delete ${current.segment_name} with its members and content?`)
        && run(async () => { await api.del(`${BASE}/${id}`); location.hash = "#/segments"; })}>Delete</button>
    </div>
    <${FormError} error=${error} />
    ${editing ? html`<${Section} title="Edit segment" id="segment-edit"><${SegmentEditor} segment=${current} onSaved=${(s) => { setSegment(s); setEditing(false); }} /></${Section}>` : html`
      <${Section} title="Definition" id="definition">
        ${current.description ? html`<p>${current.description}</p>` : ""}
        <dl class="facts"><dt>Persona</dt><dd><code>${current.persona_id}</code></dd>
          ${Object.entries(current.criteria).map(([k, v]) => html`<dt>${k}</dt><dd>${typeof v === "object" && !Array.isArray(v) ? JSON.stringify(v) : [].concat(v).join(", ")}</dd>`)}
          <dt>Last analyzed</dt><dd>${when(current.last_analyzed_at)}</dd></dl>
      </${Section}>`}
    <${Analytics} id=${id} tick=${analyticsTick} />
    <${Content} id=${id} tick=${analyticsTick} onChange=${() => setAnalyticsTick((t) => t + 1)} />
    <${Members} id=${id} onChange=${refresh} />`;
}

function Members({ id, onChange }) {
  const [tick, setTick] = useState(0);
  const members = useLoad(() => api.get(`${BASE}/${id}/members`, { limit: 50 }), [id, tick]);
  const [form, setForm] = useState({ user_id: "", confidence_score: "1" });
  const set = (name) => (value) => setForm((f) => ({ ...f, [name]: value }));
  const [run, busy, error] = useAction();
  const add = (e) => {
    e.preventDefault();
    run(async () => {
      await api.post(`${BASE}/${id}/members/${encodeURIComponent(form.user_id.trim())}`,
        { confidence_score: form.confidence_score === "" ? 1 : Number(form.confidence_score) });
      setForm({ user_id: "", confidence_score: "1" });
      setTick((t) => t + 1);
      onChange();
    });
  };
  const remove = (user) => run(async () => { await api.del(`${BASE}/${id}/members/${encodeURIComponent(user)}`); setTick((t) => t + 1); onChange(); });
  return html`<${Section} title="Members" id="members">
    <form class="row" onSubmit=${add} aria-label="Add a member" novalidate>
      <${Field} label="User id" name="user_id" value=${form.user_id} onInput=${set("user_id")} error=${error} required />
      <${Field} label="Confidence" name="confidence_score" type="number" step="0.01" min="0" max="1" value=${form.confidence_score} onInput=${set("confidence_score")} error=${error} />
      <button type="submit" class="align-end" disabled=${busy || !form.user_id.trim()}>Add</button>
    </form>
    <${FormError} error=${error} fields=${["user_id", "confidence_score"]} />
    <${LoadError} error=${members.error} />
    ${members.data ? (members.data.items.length ? html`<table class="data members"><thead><tr><th>User</th><th>Confidence</th><th>Added</th><th></th></tr></thead>
      <tbody>${members.data.items.map((m) => html`<tr><td>${m.user_id}</td><td>${pct(m.confidence_score)}</td><td>${when(m.added_at)}</td>
        <td><button type="button" class="ghost" aria-label=${`Remove ${m.user_id}`} onClick=${() => remove(m.user_id)}>Remove</button></td></tr>`)}</tbody></table>
      ${members.data.next_cursor ? html`<p class="muted">First 50 shown.</p>` : ""}` : html`<p class="empty">No members yet.</p>`) : ""}
  </${Section}>`;
}

function Content({ id, tick, onChange }) {
  const analytics = useLoad(() => api.get(`${BASE}/${id}/analytics`), [id, tick]);
  const [form, setForm] = useState({ content_id: "", variant_id: "", is_control: false });
  const set = (name) => (value) => setForm((f) => ({ ...f, [name]: value }));
  const [run, busy, error] = useAction();
  const create = (e) => {
    e.preventDefault();
    run(async () => {
      await api.post(`${BASE}/personalized`, { segment_id: id, content_id: form.content_id, variant_id: form.variant_id, is_control: form.is_control });
      setForm({ content_id: form.content_id, variant_id: "", is_control: false });
      onChange();
    });
  };
  const ab = analytics.data?.ab_test;
  const arms = ab ? [...(ab.control ? [{ ...ab.control, is_control: true }] : []), ...ab.variants] : [];
  return html`<${Section} title="Content variants" id="content">
    <form class="stack" onSubmit=${create} aria-label="New content variant" novalidate>
      <div class="row">
        <${Field} label="Content id" name="content_id" value=${form.content_id} onInput=${set("content_id")} error=${error} required />
        <${Field} label="Variant id" name="variant_id" value=${form.variant_id} onInput=${set("variant_id")} error=${error} required />
      </div>
      <${Field} label="Control" name="is_control" type="checkbox" value=${form.is_control} onInput=${set("is_control")} error=${error} />
      <button type="submit" disabled=${busy}>Add variant</button>
      <${FormError} error=${error} fields=${["content_id", "variant_id", "is_control", "segment_id"]} />
    </form>
    ${arms.length ? html`<table class="data variants"><thead><tr><th>Variant</th><th>Views</th><th>Conversions</th><th>Rate</th><th>Record</th></tr></thead>
      <tbody>${arms.map((arm) => html`<${VariantRow} arm=${arm} onRecorded=${onChange} key=${arm.personalized_id} />`)}</tbody></table>` : html`<p class="empty">No content yet.</p>`}
  </${Section}>`;
}

function VariantRow({ arm, onRecorded }) {
  const [form, setForm] = useState({ views: "", engagement: "", conversions: "" });
  const set = (name) => (value) => setForm((f) => ({ ...f, [name]: value }));
  const [run, busy, error] = useAction();
  const submit = (e) => {
    e.preventDefault();
    run(async () => {
      const body = Object.fromEntries(Object.entries(form).filter(([, v]) => v !== "").map(([k, v]) => [k, Number(v)]));
      await api.post(`${BASE}/personalized/${arm.personalized_id}/performance`, body);
      setForm({ views: "", engagement: "", conversions: "" });
      onRecorded();
    });
  };
  return html`<tr data-variant=${arm.variant_id}>
    <td>${arm.variant_id}${arm.is_control ? html` <span class="pill">control</span>` : ""}${arm.winner ? html` <span class="badge green">winner</span>` : ""}<br /><small class="muted">${arm.content_id}</small></td>
    <td>${num(arm.views)}</td><td>${num(arm.conversions)}</td><td>${rate(arm.conversion_rate)}</td>
    <td><form class="row tight" onSubmit=${submit} aria-label=${`Record performance of ${arm.variant_id}`} novalidate>
      <${Field} label="Views" name="views" type="number" min="0" value=${form.views} onInput=${set("views")} error=${error} />
      <${Field} label="Engaged" name="engagement" type="number" min="0" value=${form.engagement} onInput=${set("engagement")} error=${error} />
      <${Field} label="Conv." name="conversions" type="number" min="0" value=${form.conversions} onInput=${set("conversions")} error=${error} />
      <button type="submit" class="align-end" disabled=${busy}>Record</button>
    </form><${FormError} error=${error} fields=${["views", "engagement", "conversions"]} /></td>
  </tr>`;
}

const COLOURS = { control: "#64748b", variant: "#93c5fd", ci: "rgba(30,58,138,0.35)", line: "#0f766e", good: "#15803d" };

function Analytics({ id, tick }) {
  const [days, setDays] = useState("30");
  const analytics = useLoad(() => api.get(`${BASE}/${id}/analytics`, { days }), [id, tick, days]);
  const a = analytics.data;
  return html`<${Section} title="Analytics" id="analytics" actions=${html`<${Field} label="Window (days)" name="days" value=${days} onInput=${setDays} options=${[["7", "7"], ["30", "30"], ["90", "90"]]} error=${analytics.error} />`}>
    <${LoadError} error=${analytics.error} />
    ${!a ? html`<${Spinner} label="Loading analytics…" />` : html`
      <dl class="facts summary">
        <dt>Members</dt><dd>${num(a.member_count)}</dd>
        <dt>Growth (${days} d)</dt><dd>${a.growth.net >= 0 ? "+" : ""}${num(a.growth.net)} (${rate(a.growth.growth_rate)})</dd>
        <dt>Views</dt><dd>${num(a.performance_summary.views)}</dd>
        <dt>Engagement rate</dt><dd>${rate(a.performance_summary.overall_engagement_rate)}</dd>
        <dt>Conversion rate</dt><dd>${rate(a.performance_summary.overall_conversion_rate)}</dd>
        <dt>Trend</dt><dd data-testid="trend">${a.engagement_trend.direction.replace(/_/g, " ")}</dd>
      </dl>
      <div class="charts">
        <div><h3>Engagement trend</h3><${TrendChart} trend=${a.engagement_trend} /></div>
        <div><h3>Conversion by variant (${pct(a.ab_test.variants[0]?.z_test?.confidence_level ?? 0.95)} CI of the lift)</h3><${ConversionChart} ab=${a.ab_test} /></div>
        <div><h3>Chance to beat control</h3><${ChanceChart} ab=${a.ab_test} /></div>
      </div>
      ${a.ab_test.srm && a.ab_test.srm.mismatch ? html`<${Notice} kind="warn">Sample ratio mismatch (p = ${a.ab_test.srm.p_value?.toFixed(4)}): the A/B split is off, so its results are not trustworthy.</${Notice}>` : ""}
      <h3>Recommendations</h3>
      <ul class="recommendations">${a.recommendations.map((r) => html`<li class=${`priority-${r.priority}`} data-code=${r.code}><span class="pill">${r.priority}</span> ${r.message}</li>`)}</ul>`}
  </${Section}>`;
}

function TrendChart({ trend }) {
  const daily = trend.daily || [];
  if (!daily.some((d) => d.views)) return html`<p class="empty">No views in the window yet.</p>`;
  return html`<${ChartView} type="line" label="Engagement trend" data=${{
    labels: daily.map((d) => d.date.slice(5)),
    datasets: [{ label: "Engagement rate", data: daily.map((d) => (d.views ? d.engagement_rate : null)), borderColor: COLOURS.line, backgroundColor: COLOURS.line, spanGaps: true, yAxisID: "rate" },
      { label: "Views", data: daily.map((d) => d.views), type: "bar", backgroundColor: "rgba(100,116,139,0.3)", yAxisID: "views" }],
  }} options=${{ scales: { rate: { position: "left", min: 0, ticks: { callback: (v) => `${v}%` } }, views: { position: "right", grid: { drawOnChartArea: false } } } }} />`;
}

function ConversionChart({ ab }) {
  const arms = [...(ab.control ? [ab.control] : []), ...ab.variants];
  if (!arms.some((a) => a.views)) return html`<p class="empty">No views recorded for the variants yet.</p>`;
  const base = ab.control ? ab.control.conversion_rate : 0;
  return html`<${ChartView} type="bar" label="Conversion by variant" data=${{
    labels: arms.map((a) => a.variant_id + (ab.control && a.personalized_id === ab.control.personalized_id ? " (control)" : "")),
    datasets: [
      { label: "Conversion rate", order: 2, data: arms.map((a) => a.conversion_rate), backgroundColor: arms.map((a, i) => (i === 0 && ab.control ? COLOURS.control : COLOURS.variant)) },
      { label: "CI of the variant's rate (control + lift CI)", data: arms.map((a) => (a.z_test ? [base + a.z_test.ci_low, base + a.z_test.ci_high] : null)),
        order: 1, backgroundColor: COLOURS.ci, borderColor: "#1e3a8a", borderWidth: 2, borderSkipped: false, grouped: false, barPercentage: 0.18 },
    ],
  }} options=${{ scales: { y: { min: 0, ticks: { callback: (v) => `${v}%` } } } }} />`;
}

function ChanceChart({ ab }) {
  const variants = ab.variants.filter((v) => v.bayesian);
  if (!variants.length) return html`<p class="empty">Needs a control and a variant with views.</p>`;
  return html`<${ChartView} type="bar" label="Chance to beat control" height=${Math.max(140, 60 + variants.length * 40)} data=${{
    labels: variants.map((v) => v.variant_id),
    datasets: [{ label: "P(variant beats control)", data: variants.map((v) => v.bayesian.chance_to_beat_control),
      backgroundColor: variants.map((v) => (v.bayesian.chance_to_beat_control >= 0.95 ? COLOURS.good : "#2563eb")) }],
  }} options=${{ indexAxis: "y", scales: { x: { min: 0, max: 1, ticks: { callback: (v) => `${v * 100}%` } } } }} />`;
}
