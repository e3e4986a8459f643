import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { AcceptInviteForm } from "../account/AcceptInviteForm.tsx";
import { api } from "../api/client.ts";
import { ErrorNotice, Loading, Notice } from "../components/Notice.tsx";
import { ROLE_LABELS } from "../operators/useOperators.ts";

/** Where an invitation link lands (#/invite/<token>): signed in or not, nothing else is shown. */
export function AcceptInvitePage({ token }: { token: string }) {
  useEffect(() => {
    document.title = "Your invitation · Gatehouse";
  }, []);
  const invite = useQuery({ queryKey: ["operators.inviteInfo", token], queryFn: () => api.operators.inviteInfo.query({ token }), retry: false, staleTime: Infinity });
  const [accepted, setAccepted] = useState(false);
  const data = invite.data;
  return (
    <main className="sign-in">
      <div className="brand-large">Gatehouse</div>
      <h1>Your invitation</h1>
      {invite.isPending && <Loading what="your invitation" />}
      <ErrorNotice error={invite.error} />
      {data && !data.usable && <Notice tone="bad">{data.problem}</Notice>}
      {data?.usable && !accepted && (
        <>
          <p>
            Hello {data.name}: you are invited as {ROLE_LABELS[data.role]}
            {data.tenantName ? ` of ${data.tenantName}` : ""}. Your e-mail for signing in is <strong>{data.email}</strong>.
          </p>
          <AcceptInviteForm token={token} email={data.email} onAccepted={() => setAccepted(true)} />
        </>
      )}
      {accepted && (
        <Notice tone="ok">
          Your password is set and the link is used up. <a href="#/">Sign in</a> with {data?.usable ? data.email : "your e-mail"}.
        </Notice>
      )}
    </main>
  );
}
