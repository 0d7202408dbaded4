// Runs before the app's JavaScript, blocking the first paint for as little as possible; one file
// (one request) for its three jobs.
//
// 1. The saved or system theme, applied before the first paint (no light flash on a dark setting).
(function () {
  try {
    var pref = localStorage.getItem("taskapp.theme") || "system";
    var dark =
      pref === "dark" ||
      (pref === "system" && window.matchMedia("(prefers-color-scheme: dark)").matches);
    document.documentElement.classList.toggle("dark", dark);
    document.documentElement.style.colorScheme = dark ? "dark" : "light";
  } catch (e) {
    /* storage blocked: fall back to the light theme */
  }
})();

// 2. Who is signed in is asked now, while the app's JavaScript is still on its way: the refresh
// request (the HttpOnly cookie does the asking) leaves here instead of after the entry chunk has
// downloaded and run. src/api/session.ts takes this answer for its first refresh instead of
// sending its own: a refresh token is single-use, so exactly one request may present it. Every
// page of the app asks the same question at start-up, so this sends nothing the app would not.
// A browser known to be signed out (the key src/api/session.ts keeps) asks nothing. (fetch sends
// the cookie without being told: its default credentials are "same-origin".)
// Once the refresh answers, the first screen's data is asked for too, with the access token it
// gave: the list would otherwise leave only after the app's JavaScript had downloaded and run.
// The app's client (authFetch in src/api/session.ts) takes that answer, once, for a request to
// the same address; the addresses are the ones the app asks for first on a bare /tasks and
// /today (src/app/firstData.test.ts holds them to it). A filtered address asks for nothing here.
(function () {
  try {
    if (localStorage.getItem("taskapp.signedOut") === "1") return;
    var refresh = fetch("/api/v1/auth/refresh", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: "{}",
    });
    window.__taskappRefresh = refresh;
    var firstData = [
      ["^/(tasks)?$", "/api/v1/tasks?sort=-created_at&status=pending&status=in_progress&limit=50"],
      ["^/today$", "/api/v1/tasks/today"],
    ];
    for (var i = 0; i < firstData.length; i++) {
      if (location.search || !new RegExp(firstData[i][0]).test(location.pathname)) continue;
      var url = firstData[i][1];
      window.__taskappFirstData = {
        url: url,
        response: refresh
          // clone() here, before the app reads the body: this reaction was registered first.
          .then(function (answer) {
            return answer.ok ? answer.clone().json() : null;
          })
          .then(function (pair) {
            if (!pair || !pair.access_token) return null;
            return fetch(url, {
              headers: { Accept: "application/json", Authorization: "Bearer " + pair.access_token },
            });
          })
          .catch(function () {
            return null;
          }),
      };
      break;
    }
  } catch (e) {
    /* no fetch or no storage: the app sends its own refresh */
  }
})();

// 3. The signed-in page's own code, asked for now as well: the app would ask for it only once its
// entry chunk has downloaded and run, one round trip later. The build writes the table (first
// screen's path pattern, its chunks) from its manifest (vite.config.ts, firstScreenPreloads);
// here, and in development, it is empty.
(function () {
  var screens = /* first screens */ [];
  for (var i = 0; i < screens.length; i++) {
    if (!new RegExp(screens[i][0]).test(location.pathname)) continue;
    for (var j = 0; j < screens[i][1].length; j++) {
      var link = document.createElement("link");
      link.rel = "modulepreload";
      link.href = "/assets/" + screens[i][1][j] + ".js";
      document.head.appendChild(link);
    }
    return;
  }
})();

// 4. The first Intl.DateTimeFormat a page builds costs ~25 ms (~100 ms on a slow phone): ICU loads
// its locale and time-zone data. The task list and Today format a due date on every row, so the
// first one would land in the render that paints the list, after the first paint. One built here,
// once this script has run, pays that while the app's JavaScript is still downloading; the app's own
// formats (src/lib/dates.ts) then cost ~2 ms each.
setTimeout(function () {
  try {
    new Intl.DateTimeFormat().format(0);
  } catch (e) {
    /* no Intl: the app formats nothing either */
  }
}, 0);
