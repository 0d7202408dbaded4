import { QueryClientProvider } from "@tanstack/react-query";
import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { queryClient } from "@/app/queryClient";
import { AppRouter } from "@/app/AppRouter";
import { AppRoutes, firstScreen } from "@/app/router";
import { AuthProvider } from "@/features/auth/AuthProvider";
import { startSession } from "@/features/auth/context";
import { applyTheme, useTheme, watchSystemTheme } from "@/lib/theme";
import { useMediaQuery } from "@/lib/useMediaQuery";
import { loadSonner } from "@/ui/toast";
import { TOAST_CLEARANCE } from "@/ui/toastClearance";
import "./index.css";

applyTheme();
watchSystemTheme();
// Who is signed in is asked now, not from an effect after the first render: the request then
// travels while React renders and the route's chunks load.
void startSession();

// The offline shell's service worker, from its own chunk, once the first page has settled: its
// precache (~170 kB beyond the first download) must not compete with the page's data and lazy
// chunks. Started at the load event it did: Lighthouse's median Performance fell from 93/91/90 to
// 84/71/69 (/login, /tasks, /today; LCP +0.4 s). So: 2 s after load, when no query is fetching,
// in an idle moment.
window.addEventListener(
  "load",
  () =>
    setTimeout(() => {
      const load = () =>
        void import("@/app/registerServiceWorker").then((m) => m.registerServiceWorker());
      // Safari has no requestIdleCallback.
      const register = () =>
        "requestIdleCallback" in window
          ? void requestIdleCallback(load, { timeout: 5_000 })
          : void setTimeout(load, 0);
      if (!queryClient.isFetching()) return register();
      const stop = queryClient.getQueryCache().subscribe(() => {
        if (queryClient.isFetching()) return;
        stop();
        register();
      });
    }, 2_000),
  { once: true },
);

// Toasts sit above the bulk bar while it is shown (ui/toastClearance.ts), and below md above the
// app's bottom nav (AppLayout) too, never over either. 24px is sonner's own offset.
const CLEARANCE = `var(${TOAST_CLEARANCE}, 0px)`;
const ABOVE_BAR = `calc(24px + ${CLEARANCE})`;
const ABOVE_NAV = `calc(4.5rem + env(safe-area-inset-bottom) + ${CLEARANCE})`;

// sonner arrives after the first paint (ui/toast.ts): out of the 150 kB first download.
const Toaster = lazy(() => loadSonner().then((m) => ({ default: m.Toaster })));

function ThemedToaster() {
  const [theme] = useTheme();
  const hasBottomNav = useMediaQuery("(max-width: 767px)", false);
  return (
    <Toaster
      position="bottom-center"
      closeButton
      theme={theme}
      offset={{ bottom: hasBottomNav ? ABOVE_NAV : ABOVE_BAR }}
      mobileOffset={{ bottom: ABOVE_NAV }}
      toastOptions={{ className: "text-sm" }}
    />
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <AuthProvider firstScreen={firstScreen}>
        <AppRouter>
          <AppRoutes />
        </AppRouter>
        <Suspense fallback={null}>
          <ThemedToaster />
        </Suspense>
      </AuthProvider>
    </QueryClientProvider>
  </StrictMode>,
);
