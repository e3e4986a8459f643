import { ErrorNotice, Loading } from "./components/Notice.tsx";
import { Layout } from "./components/Layout.tsx";
import { AcceptInvitePage } from "./pages/AcceptInvitePage.tsx";
import { PageForRoute } from "./pages/PageForRoute.tsx";
import { SignInPage } from "./pages/SignInPage.tsx";
import { useRoute } from "./routing/useRoute.ts";
import { useSession } from "./session/useSession.ts";

export function App() {
  const session = useSession();
  const route = useRoute();
  // An invitation link is for the person invited, whoever is signed in in this browser.
  if (route.page === "invite") return <AcceptInvitePage token={route.token} />;
  if (session.isPending) return <Loading what="your session" />;
  if (session.error) return <main className="page"><ErrorNotice error={session.error} /></main>;
  if (!session.data) return <SignInPage />;
  return (
    <Layout operator={session.data} route={route}>
      <PageForRoute route={route} operator={session.data} />
    </Layout>
  );
}
