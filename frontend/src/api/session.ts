/**
 * The session: the access token lives in this module's memory only (never in web storage);
 * the refresh token is an HttpOnly cookie scoped to /api/v1/auth that scripts cannot read.
 *
 * A reused refresh token revokes the whole session on the server, so at most ONE refresh
 * request is in flight: every caller that needs a fresh token awaits the same promise.
 */
import type { TokenPair } from "./types";

let accessToken: string | null = null;
let inFlight: Promise<TokenPair | null> | null = null;
let onExpired: (() => void) | null = null;

export const apiOrigin = () => globalThis.location?.origin ?? "http://localhost";

export function getAccessToken(): string | null {
  return accessToken;
}

export function setAccessToken(token: string | null): void {
  accessToken = token;
  markSignedOut(token === null);
  if (token === null) delete globalThis.window?.__taskappFirstData; // another account's data
}

// Set when this browser's session is known to be gone (a refused refresh, a logout), cleared by
// the next sign-in. A page load then asks nothing: a signed-out visitor's every page load would
// otherwise send a refresh only to log a 401. public/boot.js reads the same key. A session that
// predates the mark, or storage that is blocked, still asks.
const SIGNED_OUT = "taskapp.signedOut";

function markSignedOut(out: boolean): void {
  try {
    if (out) localStorage.setItem(SIGNED_OUT, "1");
    else localStorage.removeItem(SIGNED_OUT);
  } catch {
    /* storage blocked: every page load asks */
  }
}

function knownSignedOut(): boolean {
  try {
    return localStorage.getItem(SIGNED_OUT) === "1";
  } catch {
    return false;
  }
}

/** Called once when a request is refused and the session cannot be renewed. */
export function setSessionExpiredHandler(handler: (() => void) | null): void {
  onExpired = handler;
}

declare global {
  interface Window {
    /** The page load's first refresh, sent by public/boot.js before this code arrived. */
    __taskappRefresh?: Promise<Response>;
    /** The first screen's data, asked for by public/boot.js once that refresh answered. */
    __taskappFirstData?: { url: string; response: Promise<Response | null> };
  }
}

/** The early refresh's answer, once: later refreshes present a newer token themselves. */
function takeEarlyRefresh(): Promise<Response> | undefined {
  const early = globalThis.window?.__taskappRefresh;
  if (early) delete globalThis.window.__taskappRefresh;
  return early;
}

/** Exchange the refresh cookie for a new token pair (with the account); shared by all
 * concurrent callers. */
export function refreshSession(): Promise<TokenPair | null> {
  if (!inFlight) {
    inFlight = (async () => {
      try {
        const res = await (takeEarlyRefresh() ??
          fetch(`${apiOrigin()}/api/v1/auth/refresh`, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", Accept: "application/json" },
            body: "{}",
          }));
        if (!res.ok) {
          accessToken = null;
          // Only a refused cookie says the session is gone; a 429 or a 5xx says nothing of it.
          if (res.status === 401) markSignedOut(true);
          return null;
        }
        const pair = (await res.json()) as TokenPair;
        setAccessToken(pair.access_token);
        return pair;
      } catch {
        return null;
      } finally {
        inFlight = null;
      }
    })();
  }
  return inFlight;
}

/** The page load's refresh: the one boot.js sent, or none in a browser known to be signed out. */
export function refreshOnLoad(): Promise<TokenPair | null> {
  if (!globalThis.window?.__taskappRefresh && knownSignedOut()) return Promise.resolve(null);
  return refreshSession();
}

export function refreshAccessToken(): Promise<string | null> {
  return refreshSession().then((pair) => pair?.access_token ?? null);
}

const AUTH_PATH = /\/api\/v1\/auth\//;

/** boot.js's answer for the first GET of its path, if that GET asks for the same address (query
 * included); null when there is none to take. The first GET of the path uses it up either way:
 * an answer kept for a later read (the same list, minutes later) would show old data. */
function takeFirstData(request: Request): Promise<Response | null> | null {
  const early = globalThis.window?.__taskappFirstData;
  if (!early || request.method !== "GET") return null;
  const url = new URL(request.url);
  const wanted = new URL(early.url, location.origin);
  if (url.origin !== wanted.origin || url.pathname !== wanted.pathname) return null;
  delete globalThis.window.__taskappFirstData;
  return url.search === wanted.search ? early.response : null;
}

/**
 * fetch for the API client: adds the bearer token, and on a 401 renews the session once
 * (single flight) and retries the request once with the new token.
 */
export async function authFetch(request: Request): Promise<Response> {
  const retry = request.clone();
  const sentWith = accessToken;
  if (sentWith) request.headers.set("Authorization", `Bearer ${sentWith}`);
  // boot.js sent it with the token of the refresh this session started from; a 401 is renewed
  // below like any other. (No await without it: a request leaves in the same tick as before.)
  const early = takeFirstData(request);
  const response = (early && (await early)) ?? (await fetch(request));
  if (response.status !== 401 || AUTH_PATH.test(new URL(request.url).pathname)) return response;

  // Another request may already have renewed the token while this one was on the wire.
  const fresh = accessToken && accessToken !== sentWith ? accessToken : await refreshAccessToken();
  if (!fresh) {
    accessToken = null;
    onExpired?.();
    return response;
  }
  retry.headers.set("Authorization", `Bearer ${fresh}`);
  return fetch(retry);
}
