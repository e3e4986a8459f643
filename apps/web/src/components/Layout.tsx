import type { ReactNode } from "react";
import { hrefFor, type Route } from "../routing/routes.ts";
import type { Operator } from "../session/useSession.ts";
import { useSignOut } from "../session/useSession.ts";

const sections: { label: string; route: Route }[] = [
  { label: "Fleet", route: { page: "fleet" } },
  { label: "Allowlist", route: { page: "allowlist" } },
  { label: "Blocked attempts", route: { page: "knocks", tenantId: null, serverId: null } },
  { label: "Presets", route: { page: "presets" } },
  { label: "Services", route: { page: "services" } },
  { label: "Travelers", route: { page: "travelers" } },
  { label: "Audit log", route: { page: "audit" } },
  { label: "Alerts", route: { page: "alerts" } },
  { label: "Operators", route: { page: "operators" } },
  { label: "Tenants", route: { page: "tenants" } },
];

function isCurrent(section: Route, current: Route): boolean {
  if (section.page === "fleet") return current.page === "fleet" || current.page === "server" || current.page === "new-server";
  return section.page === current.page;
}

export function Layout({ operator, route, children }: { operator: Operator; route: Route; children: ReactNode }) {
  const signOut = useSignOut();
  return (
    <>
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById("main")?.focus(); }}>
        Skip to content
      </a>
      <header className="app-header">
        <a className="brand" href={hrefFor({ page: "fleet" })}>
          Gatehouse
        </a>
        <nav className="main-nav" aria-label="Main">
          <ul>
            {sections.map((section) => (
              <li key={section.label}>
                <a href={hrefFor(section.route)} aria-current={isCurrent(section.route, route) ? "page" : undefined}>
                  {section.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="session-box">
          <a href={hrefFor({ page: "account" })} data-testid="signed-in-as" aria-current={route.page === "account" ? "page" : undefined}>
            {operator.name || operator.email}
            <span className="visually-hidden"> signed in: your account</span>
          </a>
          <a href={hrefFor({ page: "tokens" })} aria-current={route.page === "tokens" ? "page" : undefined}>
            API tokens
          </a>
          <button type="button" className="button small" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
