// Candidates (seed 002): waits on the candidates service (issue 11). Until its API is deployed on this
// stack the page says so, rather than showing an empty screen.
import { html } from "../lib.js";
import { ServicePending } from "./pending.js";

export function CandidatesPage() {
  return html`<h1>Candidates</h1>
    <${ServicePending} service="candidates" probe="/api/candidates/health" issue="11" />`;
}
