import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { isUnauthorized, isUnreachable, UNREACHABLE_RETRY_MS } from "./api/errors.ts";
import { App } from "./App.tsx";
import { sessionKey } from "./session/useSession.ts";
import "./styles/app.css";

const queryClient: QueryClient = new QueryClient({
  // A session that expired or was revoked while the page was open sends the operator back
  // to the sign-in form instead of leaving every panel showing an error.
  queryCache: new QueryCache({
    onError: (error) => {
      if (!isUnauthorized(error)) return;
      queryClient.setQueryData(sessionKey, null);
    },
  }),
  defaultOptions: {
    // A page that found the control plane unreachable keeps asking (polling pages do anyway),
    // so it comes back by itself once the plane answers, as its message promises.
    queries: { retry: 1, refetchOnWindowFocus: true, refetchInterval: (query) => (isUnreachable(query.state.error) ? UNREACHABLE_RETRY_MS : false) },
    mutations: { retry: false },
  },
});

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
