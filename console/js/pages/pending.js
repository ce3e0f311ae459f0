import { html } from "../lib.js";
import { Notice } from "../ui.js";

export function ServicePending({ service, issue }) {
  return html`<${Notice} kind="warn">The ${service} service is not part of this stack yet (issue ${issue}); this page
    comes with it.</${Notice}>`;
}
