// Sign-in: the API takes a bearer token (a Cognito user pool's JWT on AWS, the local cloud's emulated
// pool locally). The token is kept in localStorage "console.token"; automation may set it before loading.
//  - auth.mode "cognito": the hosted UI (HTTPS), which returns #access_token=... to this page
//  - auth.mode "local": the local cloud's dev sign-in (user name and password, or a demo user per role)
//  - a pasted token (`make token ROLE=write`) works in both
import { html, useState } from "./lib.js";
import { ApiError, getConfig } from "./api.js";
import { Field, FormError, useAction } from "./ui.js";

// After the hosted UI's redirect: take the token out of the URL.
export function tokenFromRedirect() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  const token = params.get("access_token");
  if (!token) return null;
  history.replaceState(null, "", location.pathname + "#/jobs");
  return token;
}

async function devToken(url, body) {
  const response = await fetch(getConfig().apiUrl.replace(/\/$/, "") + url, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data.message || `sign-in failed (${response.status})`, data.errors || []);
  return data.access_token;
}

export function SignIn({ auth, onToken, reason }) {
  const [pasted, setPasted] = useState("");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [run, busy, error] = useAction();
  const hostedUi = () => {
    const redirect = location.origin + location.pathname;
    location.assign(`${auth.domain.replace(/\/$/, "")}/oauth2/authorize?response_type=token`
      + `&client_id=${encodeURIComponent(auth.clientId)}&redirect_uri=${encodeURIComponent(redirect)}`
      + `&scope=${encodeURIComponent(auth.scopes || "openid")}`);
  };
  const signIn = (e) => {
    e.preventDefault();
    run(async () => onToken(await devToken(auth.tokenUrl, { username, password })));
  };
  return html`<section class="card signin" aria-labelledby="signin-title">
    <h1 id="signin-title">Sign in</h1>
    ${reason ? html`<p class="notice warn">${reason}</p>` : ""}
    ${auth.mode === "cognito" && auth.domain
      ? html`<p><button type="button" onClick=${hostedUi}>Sign in with Cognito</button></p>` : ""}
    ${auth.mode === "local" && auth.tokenUrl ? html`
      <h2>Dev sign-in (the local cloud's emulated user pool)</h2>
      <div class="row" role="group" aria-label="Demo users">
        ${(auth.demoRoles || []).map((role) => html`<button type="button" class="secondary" disabled=${busy}
          onClick=${() => run(async () => onToken(await devToken(auth.tokenUrl, { role })))}>Demo ${role}</button>`)}
      </div>
      <form class="stack" onSubmit=${signIn} aria-label="Sign in" novalidate>
        <${Field} label="User name" name="username" value=${username} onInput=${setUsername} error=${error} autocomplete="username" />
        <${Field} label="Password" name="password" type="password" value=${password} onInput=${setPassword} error=${error} autocomplete="current-password" />
        <button type="submit" disabled=${busy}>Sign in</button>
      </form>
      <${FormError} error=${error} fields=${["username", "password"]} />` : ""}
    <form class="stack" onSubmit=${(e) => { e.preventDefault(); if (pasted.trim()) onToken(pasted.trim()); }} aria-label="Use a token">
      <h2>Or paste a token</h2>
      <${Field} label="Bearer token (make token ROLE=read|write|admin)" name="token" type="textarea" value=${pasted} onInput=${setPasted} />
      <button type="submit">Use this token</button>
    </form>
  </section>`;
}
