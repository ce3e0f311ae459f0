// Jobs (seed 000): the job list with status and confidence badges; the job edit view with the
// "Audience Targeting & Segmentation" section; Test Segmentation (a preview in a modal, nothing saved);
// schedule, publish, pin a cluster, report performance.
import { html, useState } from "../lib.js";
import { api, hasRoute } from "../api.js";
import {
  ConfidenceBadge, Field, FormError, LoadError, Modal, Notice, Progress, Section, Spinner, StatusPill,
  num, pct, splitList, useAction, useLoad, when,
} from "../ui.js";

const STATUSES = ["", "draft", "scheduled", "segmented", "segmentation_failed", "published"];

export function JobsPage({ route }) {
  if (route.rest[0]) return html`<${JobEdit} id=${route.rest[0]} key=${route.rest[0]} />`;
  return html`<${JobList} />`;
}

function JobList() {
  const [status, setStatus] = useState("");
  const [pages, setPages] = useState([]);
  const list = useLoad(async () => {
    const first = await api.get("/api/jobs", { status, limit: 25 });
    setPages([first]);
    return first;
  }, [status]);
  const [more, loadingMore, moreError] = useAction();
  const items = pages.flatMap((p) => p.items);
  const next = pages.length ? pages[pages.length - 1].nextCursor : null;
  return html`<h1>Jobs</h1>
    <div class="layout-2">
      <${Section} title="Job ads" id="jobs-list" actions=${html`<${Field} label="Status" name="status" value=${status} onInput=${setStatus} options=${STATUSES} />`}>
        <${LoadError} error=${list.error} />
        ${list.loading && !items.length ? html`<${Spinner} label="Loading job ads…" />` : ""}
        ${!list.loading && !list.error && !items.length ? html`<p class="empty">No job ads${status ? ` with status ${status}` : ""} yet. Create one.</p>` : ""}
        ${items.length ? html`<table class="data jobs">
          <thead><tr><th>#</th><th>Title</th><th>Status</th><th>Confidence</th><th>Audience</th></tr></thead>
          <tbody>${items.map((job) => html`<tr data-job=${job.jobAdId}>
            <td>${job.jobAdId}</td>
            <td><a href=${`#/jobs/${job.jobAdId}`}>${job.title}</a>${job.company ? html`<small class="muted"> · ${job.company}</small>` : ""}</td>
            <td><${StatusPill} status=${job.status} /></td>
            <td><${ConfidenceBadge} confidence=${job.audienceConfidence} badge=${job.confidenceBadge} /></td>
            <td>${job.audienceClusterProfileName || html`<span class="muted">–</span>`}</td>
          </tr>`)}</tbody></table>` : ""}
        ${next ? html`<button type="button" disabled=${loadingMore}
            onClick=${() => more(async () => { const page = await api.get("/api/jobs", { status, limit: 25, cursor: next }); setPages((p) => [...p, page]); })}>
            ${loadingMore ? "Loading…" : "More"}</button>` : ""}
        <${FormError} error=${moreError} />
      </${Section}>
      <${CreateJob} onCreated=${(job) => { location.hash = `#/jobs/${job.jobAdId}`; }} />
    </div>`;
}

function CreateJob({ onCreated }) {
  const [form, setForm] = useState({ title: "", description: "", company: "", locations: "" });
  const set = (name) => (value) => setForm((f) => ({ ...f, [name]: value }));
  const [run, busy, error] = useAction();
  const submit = (e) => {
    e.preventDefault();
    run(async () => {
      const body = { title: form.title, description: form.description, locations: splitList(form.locations) };
      if (form.company.trim()) body.company = form.company;
      onCreated(await api.post("/api/jobs", body));
    });
  };
  return html`<${Section} title="New job ad" id="new-job">
    <form onSubmit=${submit} class="stack" aria-label="New job ad" novalidate>
      <${Field} label="Title" name="title" value=${form.title} onInput=${set("title")} error=${error} required />
      <${Field} label="Description" name="description" type="textarea" value=${form.description} onInput=${set("description")} error=${error} required />
      <${Field} label="Company" name="company" value=${form.company} onInput=${set("company")} error=${error} />
      <${Field} label="Locations" name="locations" value=${form.locations} onInput=${set("locations")} error=${error} hint="Comma-separated: countries, US states, large cities" />
      <button type="submit" disabled=${busy}>${busy ? "Creating…" : "Create draft"}</button>
      <${FormError} error=${error} fields=${["title", "description", "company", "locations"]} />
    </form>
  </${Section}>`;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function JobEdit({ id }) {
  const loaded = useLoad(() => api.get(`/api/jobs/${id}`), [id]);
  const [job, setJob] = useState(null);
  const current = job && String(job.jobAdId) === String(id) ? job : loaded.data;
  const [preview, setPreview] = useState(null);
  const [run, busy, error] = useAction();
  const [progress, setProgress] = useState(null);
  if (loaded.error) return html`<p><a href="#/jobs">← Jobs</a></p><${LoadError} error=${loaded.error} />`;
  if (!current) return html`<${Spinner} label="Loading the job ad…" />`;
  const act = (fn) => run(async () => setJob(await fn()));
  const schedule = () => run(async () => {
    let ad = await api.post(`/api/jobs/${id}/schedule`);
    setJob(ad);
    setProgress("Segmenting: the job is queued…");
    const started = Date.now();
    while (ad.status === "scheduled" && Date.now() - started < 120000) {
      await sleep(700);
      ad = await api.get(`/api/jobs/${id}`);
      setProgress(`Segmenting… ${Math.round((Date.now() - started) / 1000)} s`);
    }
    setProgress(null);
    setJob(ad);
  });
  return html`<p><a href="#/jobs">← Jobs</a></p>
    <h1>${current.title} <small class="muted">#${current.jobAdId}</small></h1>
    <div class="toolbar" role="group" aria-label="Job actions">
      <${StatusPill} status=${current.status} />
      <button type="button" onClick=${schedule} disabled=${busy || current.status === "published"}>Schedule segmentation</button>
      <button type="button" class="secondary" onClick=${() => setPreview(true)}>Test Segmentation</button>
      ${current.status === "segmented" ? html`<button type="button" onClick=${() => act(() => api.put(`/api/jobs/${id}`, { status: "published", expectedVersion: current.version }))}>Publish</button>` : ""}
      ${current.status === "published" ? html`<button type="button" class="secondary" onClick=${() => act(() => api.put(`/api/jobs/${id}`, { status: "draft" }))}>Back to draft</button>` : ""}
    </div>
    ${progress ? html`<${Progress} label=${progress} />` : ""}
    <${FormError} error=${error} />
    <div class="layout-2">
      <${EditForm} job=${current} onSaved=${setJob} />
      <${Targeting} job=${current} />
    </div>
    <div class="layout-2">
      <${PinForm} job=${current} onSaved=${setJob} />
      <${PerformanceForm} job=${current} onReported=${() => api.get(`/api/jobs/${id}`).then(setJob)} />
    </div>
    ${hasRoute("GET /api/jobs/{jobAdId}/candidate-segments") ? html`<${CandidateSegments} job=${current} onSaved=${setJob} />` : ""}
    ${preview ? html`<${TestSegmentation} job=${current} onClose=${() => setPreview(null)} />` : ""}`;
}

function EditForm({ job, onSaved }) {
  const [form, setForm] = useState({ title: job.title, description: job.description, company: job.company || "",
    locations: (job.locations || []).join(", ") });
  const set = (name) => (value) => setForm((f) => ({ ...f, [name]: value }));
  const [run, busy, error] = useAction();
  const [saved, setSaved] = useState(false);
  const submit = (e) => {
    e.preventDefault();
    setSaved(false);
    run(async () => {
      const ad = await api.put(`/api/jobs/${job.jobAdId}`, { title: form.title, description: form.description,
        company: form.company.trim() || null, locations: splitList(form.locations), expectedVersion: job.version });
      onSaved(ad);
      setSaved(true);
    });
  };
  return html`<${Section} title="Job ad" id="job-form">
    <form class="stack" onSubmit=${submit} aria-label="Edit job ad" novalidate>
      <${Field} label="Title" name="title" value=${form.title} onInput=${set("title")} error=${error} required />
      <${Field} label="Description" name="description" type="textarea" value=${form.description} onInput=${set("description")} error=${error} required />
      <${Field} label="Company" name="company" value=${form.company} onInput=${set("company")} error=${error} />
      <${Field} label="Locations" name="locations" value=${form.locations} onInput=${set("locations")} error=${error} hint="Comma-separated" />
      <button type="submit" disabled=${busy}>${busy ? "Saving…" : "Save"}</button>
      ${saved ? html`<${Notice} kind="ok">Saved (version ${job.version}). Schedule segmentation to refresh the audience.</${Notice}>` : ""}
      <${FormError} error=${error} fields=${["title", "description", "company", "locations", "expectedVersion"]} />
    </form>
  </${Section}>`;
}

export function SegmentationSummary({ data, status, processedAt, source, error, modelVersion }) {
  const targeting = data.mappedTargeting || {};
  const form = targeting.form || {};
  return html`<dl class="facts">
      ${status ? html`<dt>Segmentation status</dt><dd><${StatusPill} status=${status} /></dd>` : ""}
      <dt>Cluster</dt><dd data-testid="cluster">${data.audienceClusterId ?? "–"} · <strong>${data.audienceClusterProfileName || "–"}</strong>
        ${source === "pinned" ? html` <span class="pill">pinned</span>` : ""}</dd>
      <dt>Confidence</dt><dd><${ConfidenceBadge} confidence=${data.audienceConfidence} /></dd>
      <dt>Targeting mode</dt><dd>${targeting.mode || "–"}${targeting.mode === "broad" ? " (confidence under the threshold: locations only)" : ""}</dd>
      ${processedAt !== undefined ? html`<dt>Processed at</dt><dd>${when(processedAt)}</dd>` : ""}
      ${modelVersion ? html`<dt>Model</dt><dd><code>${modelVersion}</code></dd>` : ""}
    </dl>
    ${error ? html`<${Notice} kind="error">Segmentation failed: ${error}</${Notice}>` : ""}
    <h3>Derived audience primitives</h3>
    ${(data.derivedAudiencePrimitives || []).length ? html`<ul class="chips">${data.derivedAudiencePrimitives.map((p) => html`<li><small>${p.type}</small> ${p.value}</li>`)}</ul>` : html`<p class="muted">None.</p>`}
    ${form.mode ? html`<h3>Platform-agnostic targeting</h3><dl class="facts">
      ${["industries", "skills", "seniority", "keywords", "locations"].map((k) => html`<dt>${k}</dt><dd>${(form[k] || []).map(placeName).join(", ") || "–"}</dd>`)}
      <dt>radius</dt><dd>${form.radius_km ?? "–"} km</dd></dl>` : ""}
    ${targeting.platforms ? html`<${PlatformTabs} platforms=${targeting.platforms} />` : ""}`;
}

// A targeting value: a string, or a place {value, kind, country}.
const placeName = (v) => (typeof v === "object" && v ? `${v.value}${v.kind === "city" && v.country ? ` (${v.country})` : ""}` : String(v));

function PlatformTabs({ platforms }) {
  const names = Object.keys(platforms);
  const [active, setActive] = useState(names[0]);
  const label = { meta: "Meta", x: "X", google: "Google Ads" };
  const current = platforms[active];
  const onKey = (e) => {
    const i = names.indexOf(active);
    if (e.key === "ArrowRight") setActive(names[(i + 1) % names.length]);
    if (e.key === "ArrowLeft") setActive(names[(i - 1 + names.length) % names.length]);
  };
  return html`<h3>Per-platform targeting</h3>
    <div role="tablist" class="tabs" onKeyDown=${onKey}>${names.map((n) => html`<button type="button" role="tab"
      aria-selected=${n === active} tabindex=${n === active ? 0 : -1} onClick=${() => setActive(n)}>${label[n] || n}</button>`)}</div>
    <div role="tabpanel" class="tabpanel" aria-label=${label[active] || active}>
      <h4>Employment-ad rules</h4>
      <table class="data rules"><thead><tr><th>Rule</th><th>Applied</th><th>Detail</th></tr></thead>
        <tbody>${(current.rules_applied || []).map((r) => html`<tr><td>${r.rule}</td><td>${r.applied ? "yes" : "no"}</td><td>${r.detail}</td></tr>`)}</tbody></table>
      ${(current.lookups || []).length ? html`<h4>Id lookups</h4><ul>${current.lookups.map((l) => html`<li>${l.field || l.kind || ""} ${l.endpoint || ""} <code>${JSON.stringify(l.query ?? l.terms ?? l)}</code></li>`)}</ul>` : ""}
      <details><summary>Payload</summary><pre>${JSON.stringify(current.payload, null, 2)}</pre></details>
    </div>`;
}

function Targeting({ job }) {
  return html`<${Section} title="Audience Targeting & Segmentation" id="targeting">
    ${job.segmentationProcessedAt || job.segmentationError ? html`<${SegmentationSummary} data=${job} status=${job.status}
        processedAt=${job.segmentationProcessedAt} source=${job.audienceSource} error=${job.segmentationError} modelVersion=${job.modelVersion} />
      ${job.modelChoice ? html`<p class="muted">The model alone chose cluster ${job.modelChoice.audienceClusterId ?? job.modelChoice.clusterId}
        (${job.modelChoice.audienceClusterProfileName ?? job.modelChoice.profileName ?? ""}).</p>` : ""}`
      : html`<p class="muted">Not segmented yet (status <${StatusPill} status=${job.status} />). Schedule segmentation, or preview it with Test Segmentation.</p>`}
  </${Section}>`;
}

function TestSegmentation({ job, onClose }) {
  const result = useLoad(() => api.post("/api/jobs/test-segmentation", { jobAdId: job.jobAdId }), [job.jobAdId, job.version]);
  return html`<${Modal} title="Test Segmentation" onClose=${onClose}>
    <p class="muted">A live preview of the ad as saved: nothing is stored.</p>
    ${result.loading ? html`<${Progress} label="Segmenting the ad text…" />` : ""}
    <${LoadError} error=${result.error} />
    ${result.data ? html`<div data-testid="preview"><${SegmentationSummary} data=${result.data.segmentationData} /></div>` : ""}
  </${Modal}>`;
}

function PinForm({ job, onSaved }) {
  const [cluster, setCluster] = useState(job.pinnedClusterId ?? "");
  const [run, busy, error] = useAction();
  const clusters = useLoad(() => api.get("/api/jobs/cluster-performance"), []);
  const save = (value) => run(async () => onSaved(await api.put(`/api/jobs/${job.jobAdId}`, { pinnedClusterId: value })));
  return html`<${Section} title="Pin a cluster" id="pin">
    <form class="stack" onSubmit=${(e) => { e.preventDefault(); save(cluster === "" ? null : String(cluster)); }} aria-label="Pin a cluster" novalidate>
      <p class="muted">A pinned cluster replaces the model's choice at the next segmentation; the badge keeps the model's own confidence.</p>
      <${Field} label="Cluster id" name="pinnedClusterId" value=${cluster} onInput=${setCluster} error=${error} inputmode="numeric"
        hint=${job.pinnedClusterId ? `Pinned now: ${job.pinnedClusterId}` : "Not pinned"} />
      <div class="row">
        <button type="submit" disabled=${busy}>Pin</button>
        <button type="button" class="secondary" disabled=${busy || job.pinnedClusterId == null} onClick=${() => { setCluster(""); save(null); }}>Clear pin</button>
      </div>
      <${FormError} error=${error} fields=${["pinnedClusterId"]} />
    </form>
    ${clusters.data && clusters.data.clusters.length ? html`<h3>Clusters with reports (${clusters.data.modelVersion})</h3>
      <table class="data"><thead><tr><th>Cluster</th><th>Profile</th><th>Ads</th><th>CTR</th><th>Apply rate</th></tr></thead>
      <tbody>${clusters.data.clusters.map((c) => html`<tr><td>${c.clusterId}</td><td>${c.profileName || "–"}</td><td>${c.ads}</td><td>${pct(c.clickThroughRate, 1)}</td><td>${pct(c.applyRate, 1)}</td></tr>`)}</tbody></table>` : ""}
  </${Section}>`;
}

function PerformanceForm({ job, onReported }) {
  const [form, setForm] = useState({ platform: "meta", impressions: "", clicks: "", applies: "" });
  const set = (name) => (value) => setForm((f) => ({ ...f, [name]: value }));
  const [run, busy, error] = useAction();
  const [done, setDone] = useState(null);
  const submit = (e) => {
    e.preventDefault();
    setDone(null);
    run(async () => {
      const toInt = (v) => (v === "" ? 0 : Number(v));
      const result = await api.post(`/api/jobs/${job.jobAdId}/performance`, { eventId: crypto.randomUUID(), platform: form.platform,
        impressions: toInt(form.impressions), clicks: toInt(form.clicks), applies: toInt(form.applies) });
      setDone(result);
      onReported();
    });
  };
  const perf = job.performance || {};
  return html`<${Section} title="Report performance" id="performance">
    <p>Totals: <strong>${num(perf.impressions)}</strong> impressions, <strong>${num(perf.clicks)}</strong> clicks, <strong>${num(perf.applies)}</strong> applies</p>
    <form class="stack" onSubmit=${submit} aria-label="Report performance" novalidate>
      <${Field} label="Platform" name="platform" value=${form.platform} onInput=${set("platform")} options=${[["meta", "Meta"], ["x", "X"], ["google", "Google Ads"]]} error=${error} />
      <div class="row">
        <${Field} label="Impressions" name="impressions" type="number" min="0" value=${form.impressions} onInput=${set("impressions")} error=${error} />
        <${Field} label="Clicks" name="clicks" type="number" min="0" value=${form.clicks} onInput=${set("clicks")} error=${error} />
        <${Field} label="Applies" name="applies" type="number" min="0" value=${form.applies} onInput=${set("applies")} error=${error} />
      </div>
      <button type="submit" disabled=${busy}>Report</button>
      ${done ? html`<${Notice} kind="ok">Recorded for cluster ${done.clusterId ?? job.audienceClusterId ?? ""}.</${Notice}>` : ""}
      <${FormError} error=${error} fields=${["platform", "impressions", "clicks", "applies"]} />
    </form>
  </${Section}>`;
}

// Targeting the ad at candidate segments (seed 002, issue 11): the promoted candidate model's segments ranked
// by fit to the ad (GET /api/jobs/{jobAdId}/candidate-segments; the rule is in candidates/targeting.py), a
// tick per segment, saved as the ad's targetCandidateSegments (PUT /api/jobs/{jobAdId}).
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

function CandidateSegments({ job, onSaved }) {
  const ranking = useLoad(() => api.get(`/api/jobs/${job.jobAdId}/candidate-segments`), [job.jobAdId, job.version]);
  const [chosen, setChosen] = useState(null);
  const [run, busy, error] = useAction();
  const [saved, setSaved] = useState(false);
  const data = ranking.data;
  const targeted = chosen ?? (job.targetCandidateSegments || []);
  const toggle = (id, on) => { setSaved(false); setChosen(on ? [...targeted, id] : targeted.filter((x) => x !== id)); };
  const submit = (e) => {
    e.preventDefault();
    run(async () => {
      const ad = await api.put(`/api/jobs/${job.jobAdId}`, { targetCandidateSegments: targeted, expectedVersion: job.version });
      setChosen(null);
      onSaved(ad);
      setSaved(true);
    });
  };
  return html`<${Section} title="Candidate segments" id="job-candidate-segments">
    ${ranking.loading && !data ? html`<${Spinner} label="Ranking the candidate segments…" />` : ""}
    ${ranking.error ? html`<${Notice} kind="warn">${ranking.error.message}</${Notice}>` : ""}
    ${data ? html`<p class="muted">Candidate model <code>${data.modelVersion}</code> · the ad reads as <strong>${data.seniority}</strong>
        ${" · "}skills it names: ${data.adSkills.length ? data.adSkills.join(", ") : "none the model knows (ranked by seniority alone)"}.
        Fit = 0.7 × skill fit + 0.3 × seniority fit.</p>
      <form onSubmit=${submit} aria-label="Target candidate segments" novalidate>
        <table class="data job-segments"><thead><tr><th>Target</th><th>Segment</th><th>Fit</th><th>Skills</th><th>Seniority</th><th>Matched skills</th></tr></thead>
          <tbody>${data.segments.map((s) => html`<tr data-candidate-segment=${s.segment_id} data-targeted=${String(targeted.includes(s.segment_id))}>
            <td><input type="checkbox" aria-label=${`Target ${s.name}`} checked=${targeted.includes(s.segment_id)} onChange=${(e) => toggle(s.segment_id, e.target.checked)} /></td>
            <td><a href=${`#/candidates?segment_id=${s.segment_id}`}>${s.name}</a> <small class="muted">${num(s.size)} candidates</small></td>
            <td class="nowrap"><span class="fit" style=${`width:${Math.round(s.score * 60)}px`} aria-hidden="true"></span>${pct(s.score)}</td>
            <td>${pct(s.skill_fit)}</td><td>${pct(s.seniority_fit)}</td>
            <td>${s.matched_skills.filter((m) => m.share > 0).map((m) => `${m.skill} (${pct(m.share)})`).join(", ") || "–"}</td></tr>`)}</tbody></table>
        ${data.unknownTargets.length ? html`<${Notice} kind="warn">Targeted segments the promoted model does not have: ${data.unknownTargets.join(", ")}.</${Notice}>` : ""}
        <div class="row">
          <button type="submit" disabled=${busy || chosen === null}>${busy ? "Saving…" : "Save targeting"}</button>
          <span class="muted align-end">${targeted.length} targeted</span>
        </div>
        ${saved ? html`<${Notice} kind="ok">Saved: the ad targets ${plural((job.targetCandidateSegments || []).length, "candidate segment")}.</${Notice}>` : ""}
        <${FormError} error=${error} fields=${["targetCandidateSegments", "expectedVersion"]} />
      </form>` : ""}
  </${Section}>`;
}
