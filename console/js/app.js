// The console shell: hash routes (#/jobs, #/segments, ...), the navigation, the API-down banner, sign-in.
import { html, render, useEffect, useState } from "./lib.js";
import { getConfig, getToken, loadConfig, onApiStatus, probe, setToken } from "./api.js";
import { JobsPage } from "./pages/jobs.js";
import { SegmentsPage } from "./pages/segments.js";
import { CandidatesPage } from "./pages/candidates.js";
import { AudiencesPage } from "./pages/audiences.js";
import { LearningPage } from "./pages/learning.js";
import { SignIn, tokenFromRedirect } from "./signin.js";

const PAGES = [
  { path: "jobs", title: "Jobs", view: JobsPage },
  { path: "segments", title: "Segments", view: SegmentsPage },
  { path: "candidates", title: "Candidates", view: CandidatesPage },
  { path: "audiences", title: "Audience builder", view: AudiencesPage },
  { path: "learning", title: "Learning", view: LearningPage },
];

function parseHash() {
  const [path, search = ""] = (location.hash.replace(/^#\/?/, "") || "jobs").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { page: parts[0] || "jobs", rest: parts.slice(1), params: Object.fromEntries(new URLSearchParams(search)) };
}

function ApiBanner() {
  const [up, setUp] = useState(true);
  useEffect(() => onApiStatus(setUp), []);
  useEffect(() => {
    if (up) return undefined;
    const timer = setInterval(probe, 5000);
    return () => clearInterval(timer);
  }, [up]);
  if (up) return "";
  return html`<div class="api-down" role="alert" data-testid="api-down">
    <strong>The API is not reachable.</strong> ${getConfig().apiUrl || location.origin} does not answer; is the
    local cloud running (<code>make up</code>)? The console retries every 5 s.
    <button type="button" onClick=${probe}>Retry now</button>
  </div>`;
}

function App() {
  const [route, setRoute] = useState(parseHash());
  const [token, setTokenState] = useState(getToken());
  const [signInReason, setSignInReason] = useState(null);
  useEffect(() => {
    const onHash = () => setRoute(parseHash());
    const onSignedOut = (e) => { setTokenState(null); setSignInReason(e.detail); };
    addEventListener("hashchange", onHash);
    addEventListener("console:signed-out", onSignedOut);
    return () => { removeEventListener("hashchange", onHash); removeEventListener("console:signed-out", onSignedOut); };
  }, []);
  const current = PAGES.find((p) => p.path === route.page);
  useEffect(() => {
    document.title = `${current ? current.title : "Not found"} · Audience Segmentation console`;
  }, [current]);
  const signOut = () => { setToken(null); setTokenState(null); };
  const auth = getConfig().auth || { mode: "none" };
  const View = current?.view;
  return html`
    <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById("main").focus(); }}>Skip to content</a>
    <header class="top">
      <a class="brand" href="#/jobs">Audience Segmentation</a>
      <nav aria-label="Pages">
        <ul>${PAGES.map((p) => html`<li><a href=${`#/${p.path}`} aria-current=${p.path === route.page ? "page" : undefined}>${p.title}</a></li>`)}</ul>
      </nav>
      <div class="who">${token ? html`<span class="signed-in">signed in</span> <button type="button" class="ghost" onClick=${signOut}>Sign out</button>`
        : auth.mode !== "none" ? html`<span>not signed in</span>` : ""}</div>
    </header>
    <${ApiBanner} />
    <main id="main" tabindex="-1">
      ${auth.mode !== "none" && !token
        ? html`<${SignIn} auth=${auth} reason=${signInReason} onToken=${(t) => { setToken(t); setTokenState(t); setSignInReason(null); }} />`
        : View ? html`<${View} route=${route} key=${route.page} />`
          : html`<h1>Not found</h1><p>No page <code>#/${route.page}</code>. Pick one above.</p>`}
    </main>`;
}

await loadConfig();
const redirected = tokenFromRedirect();
if (redirected) setToken(redirected);
if (!location.hash) history.replaceState(null, "", "#/jobs");
const root = document.getElementById("app");
root.textContent = "";
render(html`<${App} />`, root);
