// Sign-in: the API takes a bearer token (a Cognito user pool's JWT on AWS, the local cloud's emulated
// pool locally). The token is kept in localStorage "console.token"; automation may set it before loading.
import { html, useState } from "./lib.js";
import { Field, FormError, useAction } from "./ui.js";

export function SignIn({ auth, onToken }) {
  const [pasted, setPasted] = useState("");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [run, busy, error] = useAction();
  const hostedUi = () => {
    const redirect = location.origin + location.pathname;
    const url = `${auth.domain.replace(/\/$/, "")}/oauth2/authorize?response_type=token&client_id=${encodeURIComponent(auth.clientId)}`
      + `&redirect_uri=${encodeURIComponent(redirect)}&scope=${encodeURIComponent(auth.scopes || "openid")}`;
    location.assign(url);
  };
  const devSignIn = (e) => {
    e.preventDefault();
    run(async () => {
      const response = await fetch(auth.tokenUrl, {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username, password, client_id: auth.clientId }),
      });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(data.message || `sign-in failed (${response.status})`);
      onToken(data.access_token || data.id_token || data.token);
    });
  };
  return html`<section class="card signin">
    <h1>Sign in</h1>
    ${auth.mode === "cognito" && auth.domain
      ? html`<p><button type="button" onClick=${hostedUi}>Sign in with Cognito</button></p>` : ""}
    ${auth.mode === "local" && auth.tokenUrl ? html`<form onSubmit=${devSignIn}>
        <h2>Dev sign-in (local emulated user pool)</h2>
        <${Field} label="User name" name="username" value=${username} onInput=${setUsername} autocomplete="username" />
        <${Field} label="Password" name="password" type="password" value=${password} onInput=${setPassword} autocomplete="current-password" />
        <button type="submit" disabled=${busy}>Sign in</button>
        <${FormError} error=${error} />
      </form>` : ""}
    <form onSubmit=${(e) => { e.preventDefault(); if (pasted.trim()) onToken(pasted.trim()); }}>
      <h2>Or paste a token</h2>
      <${Field} label="Bearer token (from make token)" name="token" type="textarea" value=${pasted} onInput=${setPasted} />
      <button type="submit">Use this token</button>
    </form>
  </section>`;
}
