// Audience builder (seed 003 "Frontend Architecture"): the builder service of issue 14 (docs/audiences.md).
// EnhancedNLAudienceBuilder's hierarchy, one component each: WorkflowSteps, DataTypeSelector (+ subtype),
// ChatInterface (messages, input: POST /api/nl/process action process, then refine), VariableSelector
// (relevance bar chart, type-distribution chart, the list to confirm), SegmentResults (size distribution,
// the 2-D scatter of the records by segment from the API's `projection`, segment cards with traits,
// lifestyle groups and diversity), Export (GET /api/export/{audience_id}: a real download) and
// Distribution (POST /api/distribute: per-platform results).
import { html, useState } from "../lib.js";
import { ApiError, api, download, hasRoute, saveBlob } from "../api.js";
import { ChartView, Field, FormError, Notice, Progress, Section, num, pct, useAction } from "../ui.js";

const DATA_TYPES = [
  ["third_party", "Third party", [["", "GSS panel (people)"], ["postal_code", "US ZCTAs (areas)"]]],
  ["first_party", "First party", [["email", "e-mail"], ["phone", "phone"], ["rampid", "RampID"], ["uid2", "UID2"], ["maid", "mobile ad id"], ["postal_code", "postal code"]]],
  ["clean_room", "Clean room", [["", "panel aggregates"]]],
];
const TYPES = ["psychographic", "demographic", "behavioral"];
const TYPE_COLOURS = { demographic: "#2563eb", behavioral: "#0f766e", psychographic: "#a16207" };
const PLATFORMS = [["meta", "Meta"], ["google", "Google Ads"], ["x", "X"], ["ttd", "The Trade Desk (UID2)"], ["liveramp", "LiveRamp"]];
const PRESELECT = 8;
const colour = (g, alpha = 1) => `hsla(${(g * 137.508) % 360}, 65%, 45%, ${alpha})`;

export function AudiencesPage() {
  if (!hasRoute("POST /api/nl/process"))
    return html`<h1>Audience builder</h1><${Notice} kind="warn">The audience builder is not part of this stack yet (issue 14); this page comes with it.</${Notice}>`;
  return html`<h1>Audience builder</h1><${Builder} />`;
}

// The API names the payload's fields body.payload.<name>; the page's fields are named payload.<name>.
function Builder() {
  const [dataType, setDataType] = useState("third_party");
  const [subtype, setSubtype] = useState("");
  const [uploadId, setUploadId] = useState("");
  const [input, setInput] = useState("");
  const [sessionId, setSessionId] = useState(null);
  const [messages, setMessages] = useState([]);
  const [suggested, setSuggested] = useState(null); // the process / refine answer
  const [selected, setSelected] = useState([]);
  const [audience, setAudience] = useState(null); // the confirm answer
  const [run, busy, error] = useAction();

  const say = (...lines) => setMessages((m) => [...m, ...lines]);
  // [id, fresh]: the session, and whether it was just started (a fresh one takes process, not refine)
  const session = async () => {
    if (sessionId) return [sessionId, false];
    const started = await api.post("/api/nl/start_session");
    setSessionId(started.session_id);
    return [started.session_id, true];
  };
  const step = async (id, action, payload) => {
    try {
      return await api.post("/api/nl/process", { session_id: id, action, payload });
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 410) && /session/i.test(e.message)) setSessionId(null);
      throw e;
    }
  };
  const recordSetPayload = () => {
    const payload = { data_type: dataType };
    if (subtype) payload.subtype = subtype;
    if (uploadId.trim()) payload.upload_id = uploadId.trim();
    return payload;
  };
  const send = (e) => {
    e.preventDefault();
    const text = input.trim();
    run(async () => {
      const [id, fresh] = await session();
      const action = suggested && !fresh ? "refine" : "process";
      say({ who: "you", text: text || "(empty)" });
      const answer = await step(id, action, { input, ...recordSetPayload() });
      const all = TYPES.flatMap((t) => answer.suggested_variables[t] || []);
      setSuggested(answer);
      setSelected([...all].sort((a, b) => b.relevance_score - a.relevance_score).slice(0, PRESELECT).map((v) => v.code));
      setAudience(null);
      say({ who: "builder", text: `${answer.total_suggested} variables of the ${answer.record_set} record set match "${text}" (`
        + TYPES.map((t) => `${(answer.suggested_variables[t] || []).length} ${t}`).join(", ")
        + `). The ${Math.min(PRESELECT, all.length)} most relevant are ticked: confirm them, change the ticks, or refine in other words.` });
      setInput("");
    });
  };
  const stepIndex = audience ? 3 : suggested ? 2 : messages.length ? 1 : 0;
  return html`
    <${WorkflowSteps} current=${stepIndex} />
    <div class="layout-2">
      <${Section} title="Describe your audience" id="chat">
        <${DataTypeSelector} dataType=${dataType} subtype=${subtype} uploadId=${uploadId} error=${error}
          onChange=${(t, s) => { setDataType(t); setSubtype(s); }} onSubtype=${setSubtype} onUpload=${setUploadId} />
        <ul class="messages" aria-live="polite">${messages.map((m) => html`<li class=${`msg ${m.who}`}><strong>${m.who === "you" ? "You" : "Builder"}:</strong> ${m.text}</li>`)}</ul>
        <form class="row" onSubmit=${send} aria-label="Describe the audience" novalidate>
          <${Field} label="Your audience in words" name="payload.input" value=${input} onInput=${setInput} error=${error}
            placeholder="e.g. environmentally conscious millennials" />
          <button type="submit" class="align-end" disabled=${busy}>${busy ? "Searching…" : suggested ? "Refine" : "Send"}</button>
        </form>
        ${busy ? html`<${Progress} label="Searching the catalog for variables this record set holds…" />` : ""}
        <${FormError} error=${error} fields=${["payload.input", "payload.data_type", "payload.subtype", "payload.upload_id"]} />
      </${Section}>
      <${VariableCharts} suggested=${suggested} />
    </div>
    ${suggested ? html`<${VariableSelector} suggested=${suggested} selected=${selected} onSelect=${setSelected}
      sessionId=${sessionId} complete=${!!audience} step=${step} onDone=${(done) => { setAudience(done); say({ who: "builder",
        text: `${done.segments.length} segments of ${num(done.total_records)} records are ready: read them below, export or distribute them.` }); }} />` : ""}
    ${audience ? html`<${SegmentResults} audience=${audience} />
      <div class="layout-2 tight"><${Export} audience=${audience} /><${Distribution} audience=${audience} /></div>` : ""}`;
}

function WorkflowSteps({ current }) {
  const steps = ["Data type", "Describe", "Variables", "Segments", "Export & distribute"];
  return html`<ol class="steps" aria-label="Workflow">${steps.map((s, i) => html`<li class=${i < current ? "done" : i === current ? "current" : ""}
    aria-current=${i === current ? "step" : undefined}>${s}</li>`)}</ol>`;
}

function DataTypeSelector({ dataType, subtype, uploadId, error, onChange, onSubtype, onUpload }) {
  const subtypes = DATA_TYPES.find((d) => d[0] === dataType)[2];
  const needsUpload = dataType === "first_party";
  return html`<fieldset class="criteria"><legend>Data type</legend>
    <div class="row" role="radiogroup" aria-label="Data type">${DATA_TYPES.map(([value, label, subs]) => html`<label class="radio">
      <input type="radio" name="data_type" value=${value} checked=${dataType === value} onChange=${() => onChange(value, subs[0][0])} /> ${label}</label>`)}</div>
    <div class="row">
      <${Field} label="Subtype" name="payload.subtype" value=${subtype} onInput=${onSubtype} options=${subtypes} error=${error} />
      ${needsUpload || dataType === "clean_room" ? html`<${Field} label="Upload id" name="payload.upload_id" value=${uploadId} onInput=${onUpload} error=${error}
        hint=${needsUpload ? "A validated upload: send a CSV below" : "Optional: a validated upload; none uses the panel"} />` : ""}
    </div>
    ${needsUpload || dataType === "clean_room" ? html`<${Upload} subtype=${subtype || "email"} onValidated=${onUpload} />` : ""}
  </fieldset>`;
}

// A first-party CSV: POST /api/audiences/uploads gives a presigned S3 POST; the file goes straight to S3
// (no-cors: the page needs no answer from S3), then the validation report is read until it is ready.
function Upload({ subtype, onValidated }) {
  const [file, setFile] = useState(null);
  const [report, setReport] = useState(null);
  const [run, busy, error] = useAction();
  const [phase, setPhase] = useState("");
  const send = () => run(async () => {
    setReport(null);
    setPhase("Asking for an upload ticket…");
    const ticket = await api.post("/api/audiences/uploads", { filename: file ? file.name : "", subtype });
    if (file.size > ticket.max_bytes) throw new Error(`${file.name} is ${num(file.size)} bytes; at most ${num(ticket.max_bytes)}`);
    const form = new FormData();
    Object.entries(ticket.fields).forEach(([k, v]) => form.append(k, v));
    form.append("file", file);
    setPhase(`Sending ${file.name} (${num(file.size)} bytes) to storage…`);
    await fetch(ticket.url, { method: "POST", body: form, mode: "no-cors" });
    setPhase("Validating the file…");
    let current = await api.get(`/api/audiences/uploads/${ticket.upload_id}`);
    const started = Date.now();
    while (current.status === "awaiting_file" && Date.now() - started < 30000) {
      await new Promise((resolve) => setTimeout(resolve, 700));
      current = await api.get(`/api/audiences/uploads/${ticket.upload_id}`);
    }
    setReport(current);
    if (current.status === "validated") onValidated(current.upload_id);
  }).finally(() => setPhase(""));
  return html`<div class="stack upload">
    <div class="field"><label for="upload-file">First-party file (CSV)</label>
      <input id="upload-file" type="file" accept=".csv,text/csv" onChange=${(e) => setFile(e.target.files[0] || null)} />
      <small class="hint">A header row naming the ${subtype} column, then attribute columns (e.g. age, degree); at least 100 rows</small></div>
    <button type="button" class="secondary" disabled=${busy || !file} onClick=${send}>${busy ? "Uploading…" : "Upload"}</button>
    ${busy ? html`<${Progress} label=${phase || "Working…"} />` : ""}
    <${FormError} error=${error} fields=${[]} />
    ${report ? html`<div data-testid="upload-report" data-status=${report.status}>
      ${report.status === "validated" ? html`<${Notice} kind="ok">${report.filename}: ${num(report.accepted)} of ${num(report.rows)} rows accepted; upload <code>${report.upload_id}</code>.</${Notice}>`
        : report.status === "rejected" ? html`<${Notice} kind="error">${report.filename} was rejected: ${report.reason}</${Notice}>`
        : html`<${Notice} kind="warn">${report.message || "The file has not arrived yet."}</${Notice}>`}
      ${(report.columns || []).length ? html`<table class="data upload-columns"><thead><tr><th>Column</th><th>Kind</th><th>Variable</th></tr></thead>
        <tbody>${report.columns.map((c) => html`<tr><td><code>${c.column}</code></td><td>${c.kind}</td>
          <td>${c.matched ? html`<code>${c.matched.code}</code> <small class="muted">${c.matched.by}</small>` : html`<span class="muted">none</span>`}</td></tr>`)}</tbody></table>` : ""}
      ${(report.rejected_rows || []).length ? html`<details><summary>${report.rejected_rows.length} rejected rows</summary>
        <ul>${report.rejected_rows.slice(0, 50).map((r) => html`<li>line ${r.line}: ${r.reason}</li>`)}</ul></details>` : ""}
    </div>` : ""}
  </div>`;
}

function allVariables(suggested) {
  return TYPES.flatMap((t) => suggested.suggested_variables[t] || []).sort((a, b) => b.relevance_score - a.relevance_score);
}

function VariableCharts({ suggested }) {
  if (!suggested) return html`<${Section} title="Suggested variables" id="variables">
    <p class="muted">Describe an audience to get the variables of the chosen record set that fit it best.</p></${Section}>`;
  const top = allVariables(suggested).slice(0, 10);
  const types = TYPES.map((t) => [t, (suggested.suggested_variables[t] || []).length]).filter(([, n]) => n);
  return html`<${Section} title="Suggested variables" id="variables">
    <h3>Relevance</h3>
    <${ChartView} type="bar" label="Variable relevance" height=${Math.max(160, 30 + top.length * 26)} data=${{
      labels: top.map((r) => r.code), datasets: [{ label: "Relevance", data: top.map((r) => r.relevance_score),
        backgroundColor: top.map((r) => TYPE_COLOURS[r.type] || "#64748b") }],
    }} options=${{ indexAxis: "y", plugins: { legend: { display: false } } }} />
    <h3>Types</h3>
    <${ChartView} type="doughnut" label="Variable types" height=${180} data=${{
      labels: types.map(([t]) => t), datasets: [{ label: "Variables", data: types.map(([, n]) => n), backgroundColor: types.map(([t]) => TYPE_COLOURS[t]) }],
    }} options=${{ plugins: { legend: { position: "right" } } }} />
  </${Section}>`;
}

function VariableSelector({ suggested, selected, onSelect, sessionId, complete, step, onDone }) {
  const [bounds, setBounds] = useState({ min_size: "0.05", max_size: "0.10", n_clusters: "" });
  const set = (name) => (value) => setBounds((b) => ({ ...b, [name]: value }));
  const [run, busy, error] = useAction();
  const [phase, setPhase] = useState("");
  const toggle = (code, on) => onSelect(on ? [...selected, code] : selected.filter((c) => c !== code));
  const confirm = (e) => {
    e.preventDefault();
    run(async () => {
      if (complete) {
        // a complete session goes back to variables_suggested first (refine, same words), then confirms again
        setPhase("Refining the session…");
        await step(sessionId, "refine", {});
      }
      const payload = { confirmed_variables: selected };
      for (const name of ["min_size", "max_size", "n_clusters"]) {
        const value = bounds[name].trim();
        if (value !== "") payload[name] = Number(value);
      }
      setPhase(`Clustering the ${suggested.record_set} records on ${selected.length} variables into segments of ${bounds.min_size || "0.05"}-${bounds.max_size || "0.10"} each…`);
      onDone(await step(sessionId, "confirm", payload));
    }).finally(() => setPhase(""));
  };
  const variables = allVariables(suggested);
  return html`<${Section} title="Confirm the variables" id="variable-list">
    <form onSubmit=${confirm} aria-label="Confirm the variables" novalidate>
      <fieldset class=${"criteria" + (error instanceof ApiError && error.fieldMessage("payload.confirmed_variables") ? " invalid" : "")}
          aria-describedby=${error instanceof ApiError && error.fieldMessage("payload.confirmed_variables") ? "confirmed-error" : undefined}>
        <legend>Variables (${selected.length} of ${variables.length} ticked)</legend>
        <table class="data variables"><thead><tr><th>Use</th><th>Variable</th><th>Type</th><th>Category</th><th>Relevance</th></tr></thead>
          <tbody>${variables.map((v) => html`<tr data-variable=${v.code}>
            <td><input type="checkbox" aria-label=${`Use ${v.code}`} checked=${selected.includes(v.code)} onChange=${(e) => toggle(v.code, e.target.checked)} /></td>
            <td><code>${v.code}</code> <span class="clip" title=${v.description}>${v.description}</span></td>
            <td><span class="pill" style=${`border-color:${TYPE_COLOURS[v.type]}`}>${v.type}</span></td><td>${v.category || "–"}</td>
            <td>${v.relevance_score.toFixed(3)}</td></tr>`)}</tbody></table>
        ${error instanceof ApiError && error.fieldMessage("payload.confirmed_variables")
          ? html`<small id="confirmed-error" class="field-error" role="alert">${error.fieldMessage("payload.confirmed_variables")}</small>` : ""}
      </fieldset>
      <div class="row">
        <${Field} label="Min segment size" name="payload.min_size" value=${bounds.min_size} onInput=${set("min_size")} error=${error} inputmode="decimal"
          hint="Below 1: a share of the records; else a count" />
        <${Field} label="Max segment size" name="payload.max_size" value=${bounds.max_size} onInput=${set("max_size")} error=${error} inputmode="decimal" />
        <${Field} label="Segments" name="payload.n_clusters" value=${bounds.n_clusters} onInput=${set("n_clusters")} error=${error} inputmode="numeric"
          hint="Empty: the clusterer chooses" />
      </div>
      <button type="submit" disabled=${busy}>${busy ? "Building…" : complete ? "Rebuild segments" : "Build segments"}</button>
      ${busy ? html`<${Progress} label=${phase || "Working…"} />` : ""}
      <${FormError} error=${error} fields=${["payload.confirmed_variables", "payload.min_size", "payload.max_size", "payload.n_clusters"]} />
    </form>
  </${Section}>`;
}

function SegmentResults({ audience }) {
  const segments = audience.segments;
  const shown = segments.filter((s) => !s.suppressed);
  const projection = audience.projection;
  const pts = projection && projection.points;
  const byGroup = {};
  if (pts) pts.group_id.forEach((g, i) => { (byGroup[g] = byGroup[g] || []).push({ x: pts.x[i], y: pts.y[i] }); });
  const names = Object.fromEntries(segments.map((s) => [s.group_id, s.name]));
  const ratio = projection ? projection.explained_variance_ratio : [];
  return html`<${Section} title="Segments" id="segments">
    <p data-testid="audience-summary"><strong>${segments.length}</strong> segments of <strong>${num(audience.total_records)}</strong> records
      (${audience.record_set}, ${audience.data_type.replace("_", " ")}) · audience <code>${audience.audience_id}</code></p>
    <div class="charts">
      <figure class="fig"><figcaption>Size distribution</figcaption>
        <${ChartView} type="bar" label="Segment sizes" height=${Math.max(200, 40 + shown.length * 22)} data=${{
          labels: shown.map((s) => s.name), datasets: [{ label: "Records", data: shown.map((s) => s.size), backgroundColor: shown.map((s) => colour(s.group_id)) }],
        }} options=${{ indexAxis: "y", plugins: { legend: { display: false }, tooltip: { callbacks: {
          label: (c) => `${num(c.raw)} records (${shown[c.dataIndex].size_percentage}%)` } } } }} />
      </figure>
      <figure class="fig"><figcaption>Records by segment: principal components of the clustered features
        ${ratio.length ? html` (${pct(ratio[0])} and ${pct(ratio[1])} of the variance${projection.sampled < projection.records ? `; ${num(projection.sampled)} of ${num(projection.records)} records` : ""})` : ""}</figcaption>
        ${projection ? html`<${ChartView} type="scatter" label="Segment scatter" height=${320} data=${{
          datasets: [
            ...Object.keys(byGroup).map((g) => ({ label: names[g] || `Segment ${g}`, data: byGroup[g], backgroundColor: colour(Number(g), 0.55), pointRadius: 2 })),
            { label: "Segment centres", data: projection.centers.map((c) => ({ x: c.x, y: c.y })), backgroundColor: "#0f172a",
              pointStyle: "crossRot", pointRadius: 7, borderColor: "#0f172a", borderWidth: 2 },
          ] }} options=${{ plugins: { legend: { display: false } }, scales: { x: { title: { display: true, text: "PC 1" } }, y: { title: { display: true, text: "PC 2" } } } }} />`
          : html`<p class="muted">The API gave no projection for this audience.</p>`}
        ${projection && !pts ? html`<p class="muted">Clean room: no record-level data leaves, so only the segment centres are drawn.</p>` : ""}
      </figure>
    </div>
    <h3>Lifestyle diversity</h3>
    ${shown.some((s) => s.diversity_score !== null && s.diversity_score !== undefined) ? html`<${ChartView} type="bar" label="Diversity" height=${160} data=${{
      labels: shown.map((s) => s.name), datasets: [{ label: "Diversity (0: one lifestyle group, 1: spread evenly)", data: shown.map((s) => s.diversity_score),
        backgroundColor: shown.map((s) => colour(s.group_id, 0.8)) }] }} options=${{ plugins: { legend: { display: false } }, scales: { y: { min: 0, max: 1 } } }} />`
      : html`<p class="muted">This record set carries no lifestyle groups (uploads have none).</p>`}
    <div class="cards">${segments.map((s) => html`<${SegmentCard} segment=${s} key=${s.group_id} />`)}</div>
  </${Section}>`;
}

function SegmentCard({ segment: s }) {
  if (s.suppressed) return html`<article class="seg-card" data-segment=${s.group_id}><h3>${s.name}</h3><p class="muted">Suppressed: ${s.reason}</p></article>`;
  return html`<article class="seg-card" data-segment=${s.group_id} style=${`border-left:6px solid ${colour(s.group_id)}`}>
    <h3>${s.name}</h3>
    <p><strong>${num(s.size)}</strong> records · <span data-testid="share">${s.size_percentage}%</span> of the audience
      ${s.weighted_percentage !== undefined ? html`${" "}<small class="muted">(${s.weighted_percentage}% weighted)</small>` : ""}</p>
    <ul class="chips">${(s.dominantTraits || []).map((t) => html`<li>${t}</li>`)}</ul>
    ${(s.traits || []).length ? html`<h4>Traits (index: 100 = the whole record set)</h4>
      <table class="data traits"><tbody>${s.traits.slice(0, 4).map((t) => html`<tr><td>${t.label}</td>
        <td>${t.share !== undefined ? pct(t.share) : t.mean !== undefined ? Number(t.mean).toLocaleString(undefined, { maximumFractionDigits: 1, useGrouping: Math.abs(t.mean) >= 10000 }) : ""}</td>
        <td><span class=${`index ${t.index >= 100 ? "over" : "under"}`}>${t.index}</span></td></tr>`)}</tbody></table>` : ""}
    <h4>Lifestyle</h4>
    ${(s.lifestyle_segments || []).length ? html`<table class="data lifestyle"><tbody>${s.lifestyle_segments.map((l) => html`<tr data-lifestyle=${l.code}>
        <td>${l.name}</td><td>${pct(l.share)}</td><td><span class=${`index ${l.index >= 100 ? "over" : "under"}`}>${l.index}</span></td></tr>`)}</tbody></table>
      <p class="muted">Diversity <strong data-testid="diversity">${s.diversity_score === null || s.diversity_score === undefined ? "–" : s.diversity_score.toFixed(2)}</strong></p>`
      : html`<p class="muted">No lifestyle groups for this record set.</p>`}
  </article>`;
}

function Export({ audience }) {
  const [run, busy, error] = useAction();
  const [done, setDone] = useState(null);
  const exportCsv = () => {
    setDone(null);
    run(async () => {
      const file = await download(`/api/export/${audience.audience_id}?format=csv`, `audience_${audience.audience_id}.csv`);
      saveBlob(file.blob, file.filename);
      setDone(file);
    });
  };
  return html`<${Section} title="Export" id="export">
    <p class="muted">A CSV with the audience's metadata lines, then one row per record with its segment and the confirmed variables
      ${audience.data_type === "clean_room" ? " (a clean room: one row per segment)" : ""}.</p>
    <button type="button" onClick=${exportCsv} disabled=${busy}>${busy ? "Preparing…" : "Download CSV"}</button>
    ${busy ? html`<${Progress} label="Writing the export…" />` : ""}
    ${done ? html`<${Notice} kind="ok">Downloaded <code>${done.filename}</code> (${num(done.size)} bytes).</${Notice}>` : ""}
    <${FormError} error=${error} />
  </${Section}>`;
}

function Distribution({ audience }) {
  const [platforms, setPlatforms] = useState(["meta", "google"]);
  const [adCategory, setAdCategory] = useState("none");
  const [run, busy, error] = useAction();
  const [result, setResult] = useState(null);
  const toggle = (p, on) => setPlatforms((list) => (on ? [...list, p] : list.filter((x) => x !== p)));
  const submit = (e) => {
    e.preventDefault();
    setResult(null);
    run(async () => setResult(await api.post("/api/distribute", { audience_id: audience.audience_id, platforms, ad_category: adCategory })));
  };
  const names = Object.fromEntries(audience.segments.map((s) => [s.group_id, s.name]));
  const perPlatform = result ? Object.entries(result.results.reduce((acc, r) => {
    acc[r.platform] = acc[r.platform] || {};
    acc[r.platform][r.status] = (acc[r.platform][r.status] || 0) + 1;
    return acc;
  }, {})) : [];
  const label = Object.fromEntries(PLATFORMS);
  return html`<${Section} title="Distribute" id="distribute">
    <form class="stack" onSubmit=${submit} aria-label="Distribute the audience" novalidate>
      <fieldset class=${"criteria" + (error instanceof ApiError && error.fieldMessage("platforms") ? " invalid" : "")}><legend>Platforms</legend>
        <div class="row">${PLATFORMS.map(([value, text]) => html`<label class="radio"><input type="checkbox" name="platforms" value=${value}
          checked=${platforms.includes(value)} onChange=${(e) => toggle(value, e.target.checked)} /> ${text}</label>`)}</div>
        ${error instanceof ApiError && error.fieldMessage("platforms") ? html`<small class="field-error" role="alert">${error.fieldMessage("platforms")}</small>` : ""}
      </fieldset>
      <${Field} label="Ad category" name="ad_category" value=${adCategory} onInput=${setAdCategory} error=${error}
        options=${[["none", "none"], ["employment", "employment"], ["housing", "housing"], ["credit", "credit"]]}
        hint="Employment, housing and credit ads may not target by age, sex or ZIP" />
      <button type="submit" disabled=${busy}>${busy ? "Distributing…" : "Distribute"}</button>
      ${busy ? html`<${Progress} label=${`Building the payloads for ${platforms.length} platforms…`} />` : ""}
      <${FormError} error=${error} fields=${["platforms", "ad_category"]} />
    </form>
    ${result ? html`<div data-testid="distribution" data-status=${result.status}>
      <p>Distribution <code>${result.distribution_id.slice(0, 8)}</code>: <span class=${`pill status-${result.status}`}>${result.status}</span>
        ${result.record_kind ? html` · sends ${result.record_kind === "panel" ? "segment definitions" : result.record_kind === "clean_room" ? "aggregates" : result.record_kind === "postal_code" ? "ZIP geo-targets" : "hashed identifiers"}` : ""}</p>
      <table class="data platforms"><thead><tr><th>Platform</th><th>Result</th></tr></thead>
        <tbody>${perPlatform.map(([p, counts]) => html`<tr data-platform=${p}><td>${label[p] || p}</td>
          <td>${Object.entries(counts).map(([status, n]) => `${n} ${status.replace(/_/g, " ")}`).join(", ")}</td></tr>`)}</tbody></table>
      <details><summary>Per segment (${result.results.length})</summary>
        <table class="data distribution"><thead><tr><th>Platform</th><th>Segment</th><th>Status</th><th>Detail</th></tr></thead>
          <tbody>${result.results.map((r) => html`<tr data-status=${r.status}><td>${label[r.platform] || r.platform}</td><td>${r.name || names[r.group_id] || r.group_id}</td>
            <td><span class=${`pill status-${r.status}`}>${r.status.replace(/_/g, " ")}</span></td>
            <td>${r.reason || ""}${(r.warnings || []).length ? html`<small class="muted"> ${r.warnings.join("; ")}</small>` : ""}
              ${r.location ? html`<br /><code class="clip">${r.location}</code>` : ""}</td></tr>`)}</tbody></table>
      </details>
    </div>` : ""}
  </${Section}>`;
}
