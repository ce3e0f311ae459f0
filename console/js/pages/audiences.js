// Audience builder (seed 003). What the stack has today: the variable catalog and its hybrid search
// (issue 12, GET /api/variables/search): the data-type selector with subtypes, a chat-style input, and the
// suggested variables with a relevance bar chart and a type-distribution chart. Confirm/refine, segments,
// enrichment, export and distribution come with the builder service (issue 14, /api/nl/...).
import { html, useState } from "../lib.js";
import { api, hasRoute } from "../api.js";
import { ChartView, Field, FormError, Notice, Section, Spinner, useAction } from "../ui.js";

const DATA_TYPES = [
  ["third_party", "Third party", [["", "GSS panel (people)"], ["panel", "panel"], ["postal_code", "US ZCTAs (areas)"]]],
  ["first_party", "First party", [["email", "e-mail"], ["phone", "phone"], ["rampid", "RampID"], ["uid2", "UID2"], ["maid", "mobile ad id"], ["postal_code", "postal code"]]],
  ["clean_room", "Clean room", [["", "panel aggregates"]]],
];
const TYPE_COLOURS = { demographic: "#2563eb", behavioral: "#0f766e", psychographic: "#a16207" };

export function AudiencesPage() {
  if (!hasRoute("GET /api/variables/search"))
    return html`<h1>Audience builder</h1><${Notice} kind="warn">The audience builder is not part of this stack yet (issues 12-14); this page comes with it.</${Notice}>`;
  return html`<h1>Audience builder</h1><${Builder} />`;
}

function Builder() {
  const [dataType, setDataType] = useState("third_party");
  const [subtype, setSubtype] = useState("");
  const [input, setInput] = useState("");
  const [messages, setMessages] = useState([]);
  const [results, setResults] = useState(null);
  const [run, busy, error] = useAction();
  const subtypes = DATA_TYPES.find((d) => d[0] === dataType)[2];
  const recordSet = dataType === "third_party" && subtype === "postal_code" ? "zcta" : dataType === "first_party" ? undefined : "panel";
  const send = (e) => {
    e.preventDefault();
    const text = input.trim();
    run(async () => {
      const answer = await api.get("/api/variables/search", { q: input, k: 20, data_type: dataType, record_set: recordSet });
      setMessages((m) => [...m, { who: "you", text }, { who: "builder", text: answer.results.length
        ? `${answer.results.length} variables match "${text}". The most relevant: ${answer.results.slice(0, 3).map((r) => r.description).join("; ")}.`
        : `No variable matches "${text}": try other words.` }]);
      setResults(answer.results);
      setInput("");
    });
  };
  const types = results ? Object.entries(results.reduce((n, r) => ({ ...n, [r.type]: (n[r.type] || 0) + 1 }), {})) : [];
  return html`
    <ol class="steps" aria-label="Workflow"><li class="done">Data type</li><li class=${results ? "done" : "current"}>Describe</li>
      <li class=${results ? "current" : ""}>Variables</li><li>Segments</li><li>Distribute</li></ol>
    <div class="layout-2">
      <${Section} title="Describe your audience" id="chat">
        <fieldset class="criteria"><legend>Data type</legend>
          <div class="row" role="radiogroup" aria-label="Data type">${DATA_TYPES.map(([value, label]) => html`<label class="radio">
            <input type="radio" name="data_type" value=${value} checked=${dataType === value}
              onChange=${() => { setDataType(value); setSubtype(DATA_TYPES.find((d) => d[0] === value)[2][0][0]); }} /> ${label}</label>`)}</div>
          <${Field} label="Subtype" name="subtype" value=${subtype} onInput=${setSubtype} options=${subtypes} error=${error} />
        </fieldset>
        <ul class="messages" aria-live="polite">${messages.map((m) => html`<li class=${`msg ${m.who}`}><strong>${m.who === "you" ? "You" : "Builder"}:</strong> ${m.text}</li>`)}</ul>
        <form class="row" onSubmit=${send} aria-label="Describe the audience" novalidate>
          <${Field} label="Your audience in words" name="q" value=${input} onInput=${setInput} error=${error} placeholder="e.g. eco-conscious parents who shop online" />
          <button type="submit" class="align-end" disabled=${busy}>${busy ? "Searching…" : "Send"}</button>
        </form>
        <${FormError} error=${error} fields=${["q", "data_type", "record_set"]} />
      </${Section}>
      <${Section} title="Suggested variables" id="variables">
        ${busy && !results ? html`<${Spinner} label="Searching the catalog…" />` : ""}
        ${!results ? html`<p class="muted">Describe an audience to get the catalog's most relevant variables.</p>` : html`
          <h3>Relevance</h3>
          <${ChartView} type="bar" label="Variable relevance" height=${Math.max(160, 30 + Math.min(results.length, 10) * 26)} data=${{
            labels: results.slice(0, 10).map((r) => r.code), datasets: [{ label: "Score", data: results.slice(0, 10).map((r) => r.score),
              backgroundColor: results.slice(0, 10).map((r) => TYPE_COLOURS[r.type] || "#64748b") }],
          }} options=${{ indexAxis: "y", plugins: { legend: { display: false } } }} />
          <h3>Types</h3>
          <${ChartView} type="doughnut" label="Variable types" height=${180} data=${{
            labels: types.map(([t]) => t), datasets: [{ label: "Variables", data: types.map(([, n]) => n), backgroundColor: types.map(([t]) => TYPE_COLOURS[t] || "#64748b") }],
          }} options=${{ plugins: { legend: { position: "right" } } }} />`}
      </${Section}>
    </div>
    ${results ? html`<${Section} title="Variables" id="variable-list">
      <table class="data variables"><thead><tr><th>Variable</th><th>Type</th><th>Source</th><th>Score</th></tr></thead>
        <tbody>${results.map((r) => html`<tr data-variable=${r.code}><td><code>${r.code}</code> ${r.description}</td><td>${r.type}</td><td>${r.source}</td><td>${r.score.toFixed(3)}</td></tr>`)}</tbody></table>
    </${Section}>` : ""}
    <${Notice} kind="warn">Confirming variables into segments (size distribution, 2-D scatter, lifestyle enrichment and diversity), export and distribution come with the builder service (issue 14, <code>/api/nl/process</code>), which is not part of this stack yet.</${Notice}>`;
}
