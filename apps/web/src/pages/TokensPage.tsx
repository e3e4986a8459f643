import { useState } from "react";
import { NewTokenForm } from "../account/NewTokenForm.tsx";
import { OneTimeToken } from "../account/OneTimeToken.tsx";
import { TokensTable } from "../account/TokensTable.tsx";
import { useApiTokens } from "../account/useApiTokens.ts";
import { ErrorNotice, Loading } from "../components/Notice.tsx";
import { PageHeader } from "../components/PageHeader.tsx";

export function TokensPage() {
  const tokens = useApiTokens();
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  return (
    <>
      <PageHeader title="API tokens" description="Your own tokens for scripts and the gatehouse CLI. Each acts as you, with your role; disabling your account stops them all." />
      {created && <OneTimeToken name={created.name} secret={created.secret} onDone={() => setCreated(null)} />}
      <ErrorNotice error={tokens.error} />
      <section className="panel" aria-labelledby="tokens-heading">
        <h2 id="tokens-heading">Your tokens</h2>
        {tokens.isPending ? <Loading what="API tokens" /> : <TokensTable tokens={tokens.data ?? []} />}
      </section>
      <section className="panel" aria-labelledby="new-token-heading">
        <h2 id="new-token-heading">New token</h2>
        <NewTokenForm onCreated={(name, secret) => setCreated({ name, secret })} />
      </section>
    </>
  );
}
