import { lazy, Suspense } from "react";
import { AlertsPage } from "../alerts/AlertsPage.tsx";
import { Loading } from "../components/Notice.tsx";
import type { Route } from "../routing/routes.ts";
import type { Operator } from "../session/useSession.ts";
import { AcceptInvitePage } from "./AcceptInvitePage.tsx";
import { AccountPage } from "./AccountPage.tsx";
import { AllowlistPage } from "./AllowlistPage.tsx";
import { CustomServicesPage } from "./CustomServicesPage.tsx";
import { AuditPage } from "./AuditPage.tsx";
import { FleetPage } from "./FleetPage.tsx";
import { NewServerPage } from "./NewServerPage.tsx";
import { NotFoundPage } from "./NotFoundPage.tsx";
import { OperatorsPage } from "./OperatorsPage.tsx";
import { PresetsPage } from "./PresetsPage.tsx";
import { ServerDetailPage } from "./ServerDetailPage.tsx";
import { TenantsPage } from "./TenantsPage.tsx";
import { TokensPage } from "./TokensPage.tsx";
import { TravelersPage } from "./TravelersPage.tsx";

// Its charts' library (uPlot) comes with the page, not with the console's first download.
const KnocksPage = lazy(() => import("./KnocksPage.tsx"));

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
    case "knocks":
      return (
        <Suspense fallback={<Loading what="blocked attempts" />}>
          <KnocksPage operator={operator} tenantId={route.tenantId} serverId={route.serverId} />
        </Suspense>
      );
    case "presets":
      return <PresetsPage operator={operator} />;
    case "services":
      return <CustomServicesPage operator={operator} />;
    case "travelers":
      return <TravelersPage operator={operator} />;
    case "audit":
      return <AuditPage />;
    case "alerts":
      return <AlertsPage operator={operator} />;
    case "tenants":
      return <TenantsPage operator={operator} />;
    case "operators":
      return <OperatorsPage operator={operator} />;
    case "tokens":
      return <TokensPage />;
    case "account":
      return <AccountPage operator={operator} />;
    case "invite":
      return <AcceptInvitePage token={route.token} />;
    case "not-found":
      return <NotFoundPage path={route.path} />;
  }
}
