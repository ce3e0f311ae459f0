// Shared components: fields that show the API's message for their name, badges, modal, charts, notices.
import { html, useEffect, useRef, useState } from "./lib.js";
import { ApiError } from "./api.js";
import { Chart, registerables } from "chart.js";

Chart.register(...registerables);
Chart.defaults.animation = false; // charts appear at once (and screenshots are stable)
Chart.defaults.font.family = "system-ui, sans-serif";

let ids = 0;
const nextId = (prefix) => `${prefix}-${++ids}`;

// A labelled input; `error` (an ApiError) puts the message the API gave for `name` next to it.
export function Field({ label, name, error, hint, children, type = "text", value, onInput, options, required, ...rest }) {
  const [id] = useState(() => nextId("f"));
  const message = error instanceof ApiError ? error.fieldMessage(name) : null;
  const described = message ? `${id}-error` : hint ? `${id}-hint` : undefined;
  const common = { id, name, "aria-invalid": message ? "true" : undefined, "aria-describedby": described, required, ...rest };
  let control;
  if (children) control = children;
  else if (options) {
    control = html`<select ...${common} value=${value ?? ""} onChange=${(e) => onInput(e.target.value)}>
      ${options.map((o) => (Array.isArray(o) ? html`<option value=${o[0]}>${o[1]}</option>` : html`<option value=${o}>${o || "(any)"}</option>`))}
    </select>`;
  } else if (type === "textarea") {
    control = html`<textarea ...${common} value=${value ?? ""} onInput=${(e) => onInput(e.target.value)} />`;
  } else if (type === "checkbox") {
    control = html`<input type="checkbox" ...${common} checked=${!!value} onChange=${(e) => onInput(e.target.checked)} />`;
  } else {
    control = html`<input type=${type} ...${common} value=${value ?? ""} onInput=${(e) => onInput(e.target.value)} />`;
  }
  return html`<div class=${"field" + (message ? " invalid" : "") + (type === "checkbox" ? " check" : "")}>
    <label for=${id}>${label}${required ? html`<span aria-hidden="true"> *</span>` : ""}</label>
    ${control}
    ${hint && !message ? html`<small id=${`${id}-hint`} class="hint">${hint}</small>` : ""}
    ${message ? html`<small id=${`${id}-error`} class="field-error" role="alert">${message}</small>` : ""}
  </div>`;
}

// The error of a whole form: the API's message, plus field errors no field on the form showed.
export function FormError({ error, fields = [] }) {
  if (!error) return "";
  if (!(error instanceof ApiError)) return html`<p class="form-error" role="alert">${String(error.message || error)}</p>`;
  const shown = new Set(fields.filter((f) => error.fieldMessage(f)));
  const others = error.errors.filter((e) => ![...shown].some((f) => error.fieldMessage(f) === e.message));
  return html`<div class="form-error" role="alert">
    <strong>${error.status ? `${error.status}: ` : ""}</strong>${error.message}
    ${others.length ? html`<ul>${others.map((e) => html`<li><code>${e.field}</code> ${e.message}</li>`)}</ul>` : ""}
  </div>`;
}

export function Notice({ kind = "info", children }) {
  return html`<div class=${`notice ${kind}`} role=${kind === "error" ? "alert" : "status"}>${children}</div>`;
}

// Confidence badge: green > 50%, yellow 25-50%, red < 25% (the API's `confidenceBadge` when given).
export function badgeColour(confidence, given) {
  if (given) return given;
  if (confidence === null || confidence === undefined) return null;
  if (confidence > 0.5) return "green";
  if (confidence >= 0.25) return "yellow";
  return "red";
}

export function ConfidenceBadge({ confidence, badge }) {
  const colour = badgeColour(confidence, badge);
  if (!colour) return html`<span class="badge none" data-badge="none">not segmented</span>`;
  return html`<span class=${`badge ${colour}`} data-badge=${colour} title=${`confidence ${colour}`}>
    ${pct(confidence)}</span>`;
}

export function StatusPill({ status }) {
  return html`<span class=${`pill status-${status}`} data-status=${status}>${(status || "").replace(/_/g, " ")}</span>`;
}

export const pct = (x, digits = 0) => (x === null || x === undefined ? "–" : `${(x * 100).toFixed(digits)}%`);
export const when = (iso) => (iso ? new Date(iso).toLocaleString() : "–");
export const num = (x) => (x === null || x === undefined ? "–" : Number(x).toLocaleString());

export function Modal({ title, onClose, children }) {
  const ref = useRef();
  useEffect(() => {
    const previous = document.activeElement;
    ref.current?.focus();
    const onKey = (e) => e.key === "Escape" && onClose();
    document.addEventListener("keydown", onKey);
    return () => { document.removeEventListener("keydown", onKey); previous?.focus?.(); };
  }, []);
  return html`<div class="modal-backdrop" onClick=${(e) => e.target === e.currentTarget && onClose()}>
    <div class="modal" role="dialog" aria-modal="true" aria-label=${title} tabindex="-1" ref=${ref}>
      <header><h2>${title}</h2><button type="button" class="ghost" onClick=${onClose} aria-label="Close">×</button></header>
      <div class="modal-body">${children}</div>
    </div>
  </div>`;
}

export function Spinner({ label = "Working…" }) {
  return html`<span class="spinner" role="status"><span class="dot" aria-hidden="true"></span>${label}</span>`;
}

// Progress of a long action: a bar when a fraction is known, else an indeterminate bar, and its words.
export function Progress({ value, label }) {
  return html`<div class="progress" role="progressbar" aria-label=${label}
      aria-valuenow=${value === undefined ? undefined : Math.round(value * 100)} aria-valuemin="0" aria-valuemax="100">
    <div class=${"bar" + (value === undefined ? " indeterminate" : "")} style=${value === undefined ? "" : `width:${Math.round(value * 100)}%`}></div>
    <span>${label}</span>
  </div>`;
}

// A Chart.js chart. The canvas carries data-points (how many data points it draws) and an aria-label
// so people with screen readers and the browser tests can tell that it has data.
export function ChartView({ type, data, options, label, height = 240 }) {
  const canvas = useRef();
  const chart = useRef();
  const points = data.datasets.reduce((n, d) => n + d.data.filter((v) => v !== null && v !== undefined).length, 0);
  useEffect(() => {
    chart.current = new Chart(canvas.current, {
      type, data, options: { responsive: true, maintainAspectRatio: false, ...options },
    });
    return () => chart.current.destroy();
  }, [JSON.stringify({ type, data, options })]);
  return html`<figure class="chart" style=${`height:${height}px`}>
    <canvas ref=${canvas} role="img" aria-label=${label} data-chart=${label} data-points=${points}></canvas>
  </figure>`;
}

export function Section({ title, id, children, actions }) {
  return html`<section class="card" aria-labelledby=${id}>
    <header class="card-head"><h2 id=${id}>${title}</h2>${actions || ""}</header>
    ${children}
  </section>`;
}

// Run an async action with busy/error state: const [run, busy, error, setError] = useAction();
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = async (fn) => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return [run, busy, error, setError];
}

// Load data for a page: {data, error, loading, reload}.
export function useLoad(fn, deps = []) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    fn().then((data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState({ data: null, error, loading: false }));
    return () => { live = false; };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

export function LoadError({ error, what }) {
  if (!error) return "";
  if (error instanceof ApiError && error.status === 404 && what)
    return html`<${Notice} kind="warn">${what}</${Notice}>`;
  return html`<${Notice} kind="error">${error.message}</${Notice}>`;
}

export const splitList = (text) => (text || "").split(",").map((s) => s.trim()).filter(Boolean);
