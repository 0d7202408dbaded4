import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, StrictMode, Suspense, useSyncExternalStore } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router";
import { ApiError } from "@/api/problem";
import { router } from "@/app/router";
import { AuthProvider } from "@/features/auth/AuthProvider";
import { applyTheme, useTheme, watchSystemTheme } from "@/lib/theme";
import { loadSonner } from "@/ui/toast";
import "./index.css";

applyTheme();
watchSystemTheme();

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      // Client errors will not fix themselves; retry only network and server failures.
      retry: (count, error) =>
        count < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      refetchOnWindowFocus: true,
    },
  },
});

// Below md the app has a bottom nav (AppLayout): toasts sit above it, not over it.
const bottomNav = window.matchMedia("(max-width: 767px)");
const subscribeBottomNav = (cb: () => void) => {
  bottomNav.addEventListener("change", cb);
  return () => bottomNav.removeEventListener("change", cb);
};
const ABOVE_NAV = "calc(4.5rem + env(safe-area-inset-bottom))";

// sonner arrives after the first paint (ui/toast.ts): out of the 150 kB first download.
const Toaster = lazy(() => loadSonner().then((m) => ({ default: m.Toaster })));

function ThemedToaster() {
  const [theme] = useTheme();
  const hasBottomNav = useSyncExternalStore(subscribeBottomNav, () => bottomNav.matches);
  return (
    <Toaster
      position="bottom-center"
      closeButton
      theme={theme}
      offset={hasBottomNav ? { bottom: ABOVE_NAV } : undefined}
      mobileOffset={{ bottom: ABOVE_NAV }}
      toastOptions={{ className: "text-sm" }}
    />
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <RouterProvider router={router} />
        <Suspense fallback={null}>
          <ThemedToaster />
        </Suspense>
      </AuthProvider>
    </QueryClientProvider>
  </StrictMode>,
);
