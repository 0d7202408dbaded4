// Asks who is signed in while the app's JavaScript is still on its way: the refresh request (the
// HttpOnly cookie does the asking) leaves now instead of after the entry chunk has downloaded and
// run. src/api/session.ts takes this answer for its first refresh instead of sending its own: a
// refresh token is single-use, so exactly one request may present it. Every page of the app asks
// the same question at start-up, so this sends nothing the app would not.
(function () {
  try {
    window.__taskappRefresh = fetch("/api/v1/auth/refresh", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: "{}",
    });
  } catch (e) {
    /* no fetch: the app sends its own refresh */
  }
})();
