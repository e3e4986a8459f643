import { ChangePasswordForm } from "../account/ChangePasswordForm.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import { hrefFor } from "../routing/routes.ts";
import { ROLE_LABELS } from "../operators/useOperators.ts";
import type { Operator } from "../session/useSession.ts";

export function AccountPage({ operator }: { operator: Operator }) {
  return (
    <>
      <PageHeader title="Your account" description={`${operator.email}, ${ROLE_LABELS[operator.role]}${operator.tenantName ? ` of ${operator.tenantName}` : ""}.`} />
      <section className="panel" aria-labelledby="change-password-heading">
        <h2 id="change-password-heading">Change password</h2>
        <ChangePasswordForm />
      </section>
      <section className="panel" aria-labelledby="account-tokens-heading">
        <h2 id="account-tokens-heading">API tokens</h2>
        <p>
          Scripts and the <span className="mono">gatehouse</span> CLI sign in with an API token that acts as you. <a href={hrefFor({ page: "tokens" })}>Manage your API tokens</a>.
        </p>
      </section>
    </>
  );
}
