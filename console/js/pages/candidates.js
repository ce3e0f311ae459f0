// Candidates (seed 002 "Web Interface"): the segmentation page (segments with names, sizes and profiles;
// retrain with a cluster count and follow the run), the candidate page (its segment and the explanation),
// and adding candidates. Routes: /api/candidates/... (docs/candidates.md).
import { html, useState } from "../lib.js";
import { api, hasRoute } from "../api.js";
import {
  ChartView, Field, FormError, LoadError, Notice, Progress, Section, Spinner, num, pct, splitList, useAction, useLoad, when,
} from "../ui.js";

const BASE = "/api/candidates";
const NOT_DEPLOYED = "The candidates service is not part of this stack yet (issue 11); this page comes with it.";
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// The gateway's answer for a route the stack does not have, as opposed to the service's own 404s.
const routeMissing = (error) => error && error.status === 404 && error.message === "Not Found";

export function CandidatesPage({ route }) {
  if (!hasRoute("GET /api/candidates/segments")) return html`<h1>Candidates</h1><${Notice} kind="warn">${NOT_DEPLOYED}</${Notice}>`;
  if (route.rest[0]) return html`<${CandidateDetail} id=${route.rest[0]} key=${route.rest[0]} />`;
  return html`<${Segmentation} params=${route.params} />`;
}

function Segmentation({ params }) {
  const [tick, setTick] = useState(0);
  const segments = useLoad(() => api.get(`${BASE}/segments`), [tick]);
  if (routeMissing(segments.error)) return html`<h1>Candidates</h1><${Notice} kind="warn">${NOT_DEPLOYED}</${Notice}>`;
  const list = segments.data?.segments || [];
  return html`<h1>Candidates</h1>
    <div class="layout-2">
      <${Section} title="Segments" id="candidate-segments">
        ${segments.loading && !segments.data ? html`<${Spinner} label="Loading segments…" />` : ""}
        ${segments.error ? html`<${Notice} kind="warn">${segments.error.message}</${Notice}>` : ""}
        ${list.length ? html`<p class="muted">Model <code>${segments.data.model_version}</code></p>
          <${ChartView} type="bar" label="Segment sizes" height=${Math.max(160, 40 + list.length * 32)} data=${{
            labels: list.map((s) => s.name), datasets: [{ label: "Candidates", data: list.map((s) => s.size), backgroundColor: "#2563eb" }],
          }} options=${{ indexAxis: "y", plugins: { legend: { display: false } } }} />
          <div class="cards">${list.map((s) => html`<${SegmentCard} segment=${s} key=${s.segment_id} />`)}</div>` : ""}
      </${Section}>
      <div>
        <${Retrain} onDone=${() => setTick((t) => t + 1)} />
        ${hasRoute("GET /api/jobs/{jobAdId}/candidate-segments") && list.length ? html`<${TargetJobAd} />` : ""}
      </div>
    </div>
    <${CandidateList} segments=${list} initial=${params.segment_id || ""} tick=${tick} />
    <${AddCandidate} onAdded=${() => setTick((t) => t + 1)} />`;
}

function topValues(shares, n = 3) {
  return (shares || []).slice(0, n).map((c) => `${c.value} (${pct(c.share)}, ×${c.lift.toFixed(1)})`).join(", ") || "–";
}

function SegmentCard({ segment }) {
  const p = segment.profile;
  return html`<article class="seg-card" data-candidate-segment=${segment.segment_id}>
    <h3><a href=${`#/candidates?segment_id=${segment.segment_id}`}>${segment.name}</a></h3>
    <p><strong>${num(segment.size)}</strong> candidates · ${pct(segment.share)} of the pool</p>
    <dl class="facts">
      <dt>Experience</dt><dd>${p.years_experience.median ?? "–"} years (p10 ${p.years_experience.p10 ?? "–"}, p90 ${p.years_experience.p90 ?? "–"})</dd>
      <dt>Salary</dt><dd>${num(p.desired_salary.median)}</dd>
      <dt>Primary skill</dt><dd>${topValues(p.primary_skill)}</dd>
      <dt>Skills</dt><dd>${topValues(p.skills)}</dd>
      <dt>Location</dt><dd>${topValues(p.location, 2)}</dd>
      <dt>Education</dt><dd>${topValues(p.education_level, 2)}</dd>
    </dl>
  </article>`;
}

function Retrain({ onDone }) {
  const [clusters, setClusters] = useState("5");
  const [run, busy, error] = useAction();
  const [state, setState] = useState(null);
  const submit = (e) => {
    e.preventDefault();
    run(async () => {
      const started = await api.post(`${BASE}/segmentation/train`, { clusters: clusters === "auto" ? "auto" : Number(clusters) });
      let current = { ...started, step: "starting" };
      setState(current);
      const begun = Date.now();
      while (current.status === "RUNNING" && Date.now() - begun < 600000) {
        await sleep(1000);
        current = await api.get(`${BASE}/segmentation/runs/${started.run_id}`);
        setState(current);
      }
      if (current.status === "SUCCEEDED") onDone();
    });
  };
  return html`<${Section} title="Retrain" id="retrain">
    <form class="stack" onSubmit=${submit} aria-label="Retrain the candidate model" novalidate>
      <${Field} label="Clusters" name="clusters" value=${clusters} onInput=${setClusters} error=${error} hint="2-50, or auto (silhouette)" />
      <button type="submit" disabled=${busy}>${busy ? "Training…" : "Retrain"}</button>
      <${FormError} error=${error} fields=${["clusters"]} />
    </form>
    ${state ? html`<div data-testid="run" data-status=${state.status}>
      ${state.status === "RUNNING" ? html`<${Progress} label=${`Run ${state.run_id.slice(0, 8)}: ${state.step || "running"}…`} />` : ""}
      ${state.status === "SUCCEEDED" ? html`<${Notice} kind="ok">Run ${state.run_id.slice(0, 8)} succeeded${state.result?.model_version ? `: model ${state.result.model_version}` : ""}.</${Notice}>` : ""}
      ${state.status === "FAILED" ? html`<${Notice} kind="error">Run failed at ${state.step || "?"}: ${state.error || ""} ${state.cause || ""}</${Notice}>` : ""}
      ${Object.keys(state.counts || {}).length ? html`<p class="muted">${Object.entries(state.counts).map(([k, v]) => `${k} ${num(v)}`).join(" · ")}</p>` : ""}
    </div>` : ""}
  </${Section}>`;
}

function CandidateList({ segments, initial, tick }) {
  const [segment, setSegment] = useState(initial);
  const [pages, setPages] = useState([]);
  const list = useLoad(async () => {
    const first = await api.get(BASE, { segment_id: segment, limit: 25 });
    setPages([first]);
    return first;
  }, [segment, tick]);
  const [more, loadingMore, moreError] = useAction();
  const items = pages.flatMap((p) => p.items);
  const next = pages.length ? pages[pages.length - 1].next_cursor : null;
  return html`<${Section} title="Candidates" id="candidates-list" actions=${html`<${Field} label="Segment" name="segment_id" value=${segment} onInput=${setSegment}
      options=${[["", "(all)"], ...segments.map((s) => [s.segment_id, s.name]), ["unassigned", "unassigned"]]} error=${list.error} />`}>
    ${list.error && !routeMissing(list.error) ? html`<${LoadError} error=${list.error} />` : ""}
    ${!list.loading && !items.length && !list.error ? html`<p class="empty">No candidates.</p>` : ""}
    ${items.length ? html`<table class="data candidates"><thead><tr><th>Candidate</th><th>Primary skill</th><th>Years</th><th>Location</th><th>Segment</th><th>Confidence</th></tr></thead>
      <tbody>${items.map((c) => html`<tr data-candidate=${c.candidate_id}>
        <td><a href=${`#/candidates/${encodeURIComponent(c.candidate_id)}`}>${c.full_name || c.candidate_id}</a></td><td>${c.primary_skill || "–"}</td>
        <td>${c.years_experience ?? "–"}</td><td>${c.location || "–"}</td><td>${c.segment_name || c.segment_id || html`<span class="muted">unassigned</span>`}</td>
        <td>${pct(c.segment_confidence)}</td></tr>`)}</tbody></table>` : ""}
    ${next ? html`<button type="button" disabled=${loadingMore} onClick=${() => more(async () => {
      const page = await api.get(BASE, { segment_id: segment, limit: 25, cursor: next }); setPages((p) => [...p, page]); })}>More</button>` : ""}
    <${FormError} error=${moreError} />
  </${Section}>`;
}

const FIELDS = [["candidate_id", "Candidate id", "text"], ["full_name", "Name", "text"], ["years_experience", "Years of experience", "number"],
  ["desired_salary", "Desired salary", "number"], ["location", "Location", "text"], ["education_level", "Education level", "text"],
  ["primary_skill", "Primary skill", "text"], ["skills", "Skills", "text"]];

function AddCandidate({ onAdded }) {
  const [form, setForm] = useState({});
  const set = (name) => (value) => setForm((f) => ({ ...f, [name]: value }));
  const [run, busy, error] = useAction();
  const [added, setAdded] = useState(null);
  const submit = (e) => {
    e.preventDefault();
    setAdded(null);
    run(async () => {
      const body = {};
      for (const [name, , type] of FIELDS) {
        const value = (form[name] ?? "").trim();
        if (!value) continue;
        body[name] = name === "skills" ? splitList(value) : type === "number" ? Number(value) : value;
      }
      const result = await api.post(BASE, body);
      setAdded(result.candidates[0]);
      setForm({});
      onAdded();
    });
  };
  // the API names a single candidate's fields body.candidate.<field>, a batch's body.candidates.0.<field>
  const fieldError = error && error.errors ? Object.assign(Object.create(Object.getPrototypeOf(error)), error, {
    errors: error.errors.map((x) => ({ ...x, field: (x.field || "").replace(/^body\.candidates?\.(0\.)?/, "body.") })) }) : error;
  return html`<${Section} title="Add a candidate" id="add-candidate">
    <form class="stack" onSubmit=${submit} aria-label="Add a candidate" novalidate>
      <div class="row">${FIELDS.map(([name, label, type]) => html`<${Field} label=${label} name=${name} type=${type} value=${form[name] ?? ""}
        onInput=${set(name)} error=${fieldError} required=${name === "candidate_id"} hint=${name === "skills" ? "Comma-separated" : undefined} />`)}</div>
      <button type="submit" disabled=${busy}>Add</button>
      ${added ? html`<${Notice} kind="ok">Added <a href=${`#/candidates/${encodeURIComponent(added.candidate_id)}`}>${added.candidate_id}</a>${added.segment_name ? ` to ${added.segment_name}` : ""}.</${Notice}>` : ""}
      <${FormError} error=${fieldError} fields=${FIELDS.map((f) => f[0])} />
    </form>
  </${Section}>`;
}

function CandidateDetail({ id }) {
  const candidate = useLoad(() => api.get(`${BASE}/${encodeURIComponent(id)}`), [id]);
  const c = candidate.data;
  return html`<p><a href="#/candidates">← Candidates</a></p>
    ${candidate.error ? html`<${LoadError} error=${candidate.error} />` : ""}
    ${!c ? (candidate.error ? "" : html`<${Spinner} label="Loading…" />`) : html`
      <h1>${c.full_name || c.candidate_id}</h1>
      <div class="layout-2">
        <${Section} title="Profile" id="candidate-profile">
          <dl class="facts">
            <dt>Id</dt><dd><code>${c.candidate_id}</code></dd>
            <dt>Experience</dt><dd>${c.years_experience ?? "–"} years</dd>
            <dt>Desired salary</dt><dd>${num(c.desired_salary)}</dd>
            <dt>Location</dt><dd>${c.location || "–"}</dd>
            <dt>Education</dt><dd>${c.education_level || "–"}</dd>
            <dt>Primary skill</dt><dd>${c.primary_skill || "–"}</dd>
            <dt>Skills</dt><dd>${c.skills.join(", ") || "–"}</dd>
          </dl>
        </${Section}>
        <${Section} title="Segment" id="candidate-segment">
          ${c.assignment_error ? html`<${Notice} kind="error">Not assigned: ${c.assignment_error}</${Notice}>` : ""}
          ${c.segment_id == null ? html`<p class="muted">Not assigned to a segment yet.</p>` : html`
            <p data-testid="segment"><strong>${c.segment_name || c.segment_id}</strong> · confidence ${pct(c.segment_confidence)}</p>
            <p class="muted">Model <code>${c.model_version}</code>, assigned ${when(c.assigned_at)}</p>
            ${(c.segment_explanation || []).length ? html`<h3>Why this segment</h3>
              <${ChartView} type="bar" label="Explanation" height=${Math.max(140, 40 + c.segment_explanation.length * 28)} data=${{
                labels: c.segment_explanation.map((x) => `${x.feature}${x.value !== null && x.value !== undefined ? `: ${x.value}` : ""}`),
                datasets: [{ label: "Share of the pull to this segment", data: c.segment_explanation.map((x) => x.share), backgroundColor: "#0f766e" }],
              }} options=${{ indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { ticks: { callback: (v) => `${Math.round(v * 100)}%` } } } }} />` : ""}`}
        </${Section}>
      </div>`}`;
}

// Targeting a job ad at these segments happens on the ad (#/jobs/{id}, "Candidate segments"): pick the ad here.
function TargetJobAd() {
  const jobs = useLoad(() => api.get("/api/jobs", { limit: 50 }), []);
  const [chosen, setChosen] = useState("");
  const items = jobs.data?.items || [];
  const id = chosen || (items[0] ? String(items[0].jobAdId) : "");
  return html`<${Section} title="Target a job ad" id="target-job-ad">
    <p class="muted">A job ad ranks these segments by fit to its skills and seniority; tick the ones its campaign targets.</p>
    ${jobs.error ? html`<${LoadError} error=${jobs.error} />` : ""}
    ${!jobs.loading && !items.length && !jobs.error ? html`<p class="empty">No job ads yet: <a href="#/jobs">create one</a>.</p>` : ""}
    ${items.length ? html`<div class="row">
      <${Field} label="Job ad" name="jobAdId" value=${id} onInput=${setChosen}
        options=${items.map((j) => [String(j.jobAdId), `#${j.jobAdId} ${j.title}${(j.targetCandidateSegments || []).length ? ` (targets ${j.targetCandidateSegments.length})` : ""}`])} />
      <a class="button align-end" href=${`#/jobs/${id}`}>Rank segments for this ad</a>
    </div>` : ""}
  </${Section}>`;
}
