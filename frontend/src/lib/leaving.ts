/**
 * The page asks before it is left while a change or an upload has no answer yet
 * (app/OfflineStatus.tsx). A download is started by following its short-lived link, which the
 * browser treats as leaving (beforeunload) until the answer turns out to be a file: that one
 * beforeunload must not ask "Leave site?".
 */
let downloadStarted: ReturnType<typeof setTimeout> | undefined;

/** Save the file at `url` (answered with `Content-Disposition: attachment`: the page stays). */
export function downloadFrom(url: string): void {
  clearTimeout(downloadStarted);
  // The beforeunload comes at once (Chromium: inside assign); a second later it is someone leaving.
  downloadStarted = setTimeout(() => (downloadStarted = undefined), 1000);
  window.location.assign(url);
}

/** Whether this beforeunload is the download's own (answered once), not the user leaving. */
export function isDownloadStarting(): boolean {
  if (downloadStarted === undefined) return false;
  clearTimeout(downloadStarted);
  downloadStarted = undefined;
  return true;
}
