// Audience builder (seed 003): waits on the audiences service (issues 12-14).
import { html } from "../lib.js";
import { ServicePending } from "./pending.js";

export function AudiencesPage() {
  return html`<h1>Audience builder</h1>
    <${ServicePending} service="audience builder" probe="/api/health" issue="12-14" />`;
}
