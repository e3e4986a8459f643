import type { Route } from "../routing/routes.ts";
import type { Operator } from "../session/useSession.ts";
import { AllowlistPage } from "./AllowlistPage.tsx";
import { AuditPage } from "./AuditPage.tsx";
import { FleetPage } from "./FleetPage.tsx";
import { NewServerPage } from "./NewServerPage.tsx";
import { NotFoundPage } from "./NotFoundPage.tsx";
import { PresetsPage } from "./PresetsPage.tsx";
import { ServerDetailPage } from "./ServerDetailPage.tsx";
import { TravelersPage } from "./TravelersPage.tsx";

export function PageForRoute({ route, operator }: { route: Route; operator: Operator }) {
  switch (route.page) {
    case "fleet":
      return <FleetPage operator={operator} />;
    case "server":
      return <ServerDetailPage key={route.serverId} serverId={route.serverId} operator={operator} />;
    case "new-server":
      return <NewServerPage operator={operator} />;
    case "allowlist":
      return <AllowlistPage operator={operator} />;
    case "presets":
      return <PresetsPage operator={operator} />;
    case "travelers":
      return <TravelersPage operator={operator} />;
    case "audit":
      return <AuditPage />;
    case "not-found":
      return <NotFoundPage path={route.path} />;
  }
}
