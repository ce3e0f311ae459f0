// The API client: config.json names the API (empty: this origin) and the sign-in settings; the token
// lives in localStorage "console.token". Every call goes through request(), which raises ApiError with
// the API's message and its field errors, and tells listeners when the API cannot be reached.

export const TOKEN_KEY = "console.token";
let config = { apiUrl: "", auth: { mode: "none" } };
const statusListeners = new Set();
let apiReachable = true;

export async function loadConfig() {
  try {
    const response = await fetch("config.json", { cache: "no-store" });
    if (response.ok) config = { ...config, ...(await response.json()) };
  } catch {
    // config.json missing: the API is this origin, no sign-in
  }
  return config;
}

export const getConfig = () => config;
// Whether the stack has a route ("GET /api/candidates/segments"); true when config.json lists none.
export const hasRoute = (key) => !Array.isArray(config.routes) || !config.routes.length || config.routes.includes(key);
export const getToken = () => localStorage.getItem(TOKEN_KEY);
export const setToken = (token) => (token ? localStorage.setItem(TOKEN_KEY, token) : localStorage.removeItem(TOKEN_KEY));

export function onApiStatus(listener) {
  statusListeners.add(listener);
  listener(apiReachable);
  return () => statusListeners.delete(listener);
}

function setReachable(value, detail) {
  if (apiReachable === value) return;
  apiReachable = value;
  statusListeners.forEach((listener) => listener(value, detail));
}

export class ApiError extends Error {
  constructor(status, message, errors = [], body = null) {
    super(message);
    this.status = status;
    this.errors = errors; // [{field: "body.title", message}]
    this.body = body;
  }

  // The message for a form field: the error whose field is this name, or the closest parent/child.
  fieldMessage(name) {
    const hit = this.errors.find((e) => stripLocation(e.field) === name)
      || this.errors.find((e) => stripLocation(e.field).startsWith(name + "."))
      || this.errors.find((e) => name.startsWith(stripLocation(e.field) + ".") && stripLocation(e.field) !== "");
    return hit ? hit.message : null;
  }
}

export const stripLocation = (field) => (field || "").replace(/^(body|query|path)\.?/, "");

export function query(params) {
  const entries = Object.entries(params || {}).filter(([, v]) => v !== undefined && v !== null && v !== "");
  return entries.length ? "?" + new URLSearchParams(entries).toString() : "";
}

async function send(method, path, body, accept = "application/json") {
  const headers = { Accept: accept };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(config.apiUrl.replace(/\/$/, "") + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    setReachable(false, String(error));
    throw new ApiError(0, `The API at ${config.apiUrl || location.origin} cannot be reached (${error.message}).`);
  }
  setReachable(true);
  if (response.status === 401 && token) {
    // the token expired or was revoked: drop it, and the shell asks to sign in again
    setToken(null);
    dispatchEvent(new CustomEvent("console:signed-out", { detail: "Your session has expired: sign in again." }));
  }
  if (!response.ok) await parse(response); // raises the ApiError
  return response;
}

async function parse(response) {
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = { message: text }; }
  }
  if (!response.ok) {
    const message = (data && (data.message || data.detail)) || `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, typeof message === "string" ? message : JSON.stringify(message),
      (data && data.errors) || [], data);
  }
  return data;
}

export async function request(method, path, body) {
  return parse(await send(method, path, body));
}

// A file the API answers (an export): {blob, filename, size}. A large export answers 302 to a presigned
// S3 URL, which fetch follows (without the bearer token, as browsers drop it on a cross-origin redirect).
export async function download(path, fallbackName) {
  const response = await send("GET", path, undefined, "*/*");
  const blob = await response.blob();
  const disposition = response.headers.get("Content-Disposition") || "";
  const named = /filename="?([^";]+)"?/.exec(disposition);
  return { blob, filename: named ? named[1] : fallbackName, size: blob.size };
}

// Hand a Blob to the browser as a download (an anchor with the download attribute).
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = filename;
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export const api = {
  get: (path, params) => request("GET", path + query(params)),
  post: (path, body) => request("POST", path, body),
  put: (path, body) => request("PUT", path, body),
  del: (path) => request("DELETE", path),
};

// Health probe used by the banner: any HTTP answer means the API is up.
export async function probe() {
  try {
    await fetch(config.apiUrl.replace(/\/$/, "") + "/api/health", { cache: "no-store" });
    setReachable(true);
    return true;
  } catch (error) {
    setReachable(false, String(error));
    return false;
  }
}
