// Toasts without sonner in the first download: sonner (and the stylesheet it injects) loads
// right after the first paint (main.tsx) or at the first toast, whichever comes first. Calls
// made before it arrives are shown once it has (toasts follow user actions, so in practice it
// is there). Every toast that is later dismissed is given its id by the caller.
import type { ExternalToast } from "sonner";

type Sonner = typeof import("sonner");
type Message = Parameters<Sonner["toast"]>[0];

let sonner: Promise<Sonner> | undefined;

export function loadSonner(): Promise<Sonner> {
  sonner ??= import("sonner");
  return sonner;
}

function show(kind: "message" | "error" | "success", ...args: [Message, ExternalToast?]) {
  void loadSonner().then(({ toast: t }) => {
    if (kind === "message") t(...args);
    else t[kind](...args);
  });
}

type Args = [message: Message, data?: ExternalToast];

export const toast = Object.assign((...args: Args) => show("message", ...args), {
  error: (...args: Args) => show("error", ...args),
  success: (...args: Args) => show("success", ...args),
  dismiss: (id?: string | number) => void loadSonner().then(({ toast: t }) => t.dismiss(id)),
});
