/**
 * The live-update stream (GET /api/v1/events, docs/adr/0019), read with fetch rather than
 * EventSource: the API authenticates with a bearer token, which EventSource cannot send. It
 * does what EventSource does otherwise: remembers the last event id, reconnects after the
 * server's `retry:` hint with Last-Event-ID (the server then says what moved meanwhile), and,
 * after a 401, once the session refresh has given a new token.
 */
import { createParser } from "eventsource-parser";
import { apiOrigin, getAccessToken, refreshAccessToken } from "@/api/session";

export type LiveChange = { owner_id: string; data_version: number; kind: string };

export type LiveHandlers = {
  onChange: (change: LiveChange) => void;
  /** The stream follows every change from here on (its `ready` event). What the page read
   * before may be older: on the first connection, a write committed after the page's first
   * read and before the stream listened is reported by no event; after a break, what carries
   * no version (comments, notifications...) may have changed unseen. The caller refetches. */
  onReady: () => void;
};

type Outcome = "closed" | "failed" | "stop";

export function openLiveStream({ onChange, onReady }: LiveHandlers): () => void {
  const abort = new AbortController();
  let lastId: string | undefined;
  let retryMs = 2000;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      abort.signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), {
        once: true,
      });
    });

  async function once(): Promise<Outcome> {
    const token = getAccessToken() ?? (await refreshAccessToken());
    if (!token) return "stop"; // signed out: the app shows the sign-in page
    const headers: Record<string, string> = {
      Accept: "text/event-stream",
      Authorization: `Bearer ${token}`,
    };
    if (lastId) headers["Last-Event-ID"] = lastId;
    const response = await fetch(`${apiOrigin()}/api/v1/events`, {
      headers,
      signal: abort.signal,
      credentials: "same-origin",
      cache: "no-store",
    });
    if (response.status === 401) return (await refreshAccessToken()) ? "closed" : "stop";
    if (!response.ok || !response.body) return "failed";
    let ended = false;
    const parser = createParser({
      onEvent(event) {
        if (event.id) lastId = event.id;
        if (event.event === "change") onChange(JSON.parse(event.data) as LiveChange);
        else if (event.event === "ready") onReady();
        else if (event.event === "end") ended = true;
      },
      onRetry(ms) {
        retryMs = ms;
      },
    });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(value);
    }
    // The session ended (logout elsewhere, password change): go on only if it can be renewed.
    if (ended) return (await refreshAccessToken()) ? "closed" : "stop";
    return "closed"; // the stream's lifetime is over: reconnect at once
  }

  void (async () => {
    while (!abort.signal.aborted) {
      let outcome: Outcome;
      try {
        outcome = await once();
      } catch {
        outcome = "failed"; // the network, or a replica gone: as EventSource, wait and retry
      }
      if (outcome === "stop" || abort.signal.aborted) return;
      await sleep(outcome === "failed" ? retryMs : 250);
    }
  })();
  return () => abort.abort();
}
