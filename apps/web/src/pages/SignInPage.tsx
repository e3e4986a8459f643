import { useState, type FormEvent } from "react";
import { messageOf } from "../api/errors.ts";
import { describedBy, Field } from "../components/Field.tsx";
import { Notice } from "../components/Notice.tsx";
import { useDocumentTitle } from "../components/useDocumentTitle.ts";
import { useSignIn } from "../session/useSession.ts";

export function SignInPage() {
  const signIn = useSignIn();
  useDocumentTitle("Sign in");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate({ email, password });
  };
  return (
    <main className="sign-in">
      <div className="brand-large">Gatehouse</div>
      <p className="muted">Sign in to manage your fleet's firewalls.</p>
      <form className="panel form" onSubmit={submit} aria-label="Sign in">
        {signIn.error && <Notice tone="bad">{messageOf(signIn.error)}</Notice>}
        <Field id="signin-email" label="Email">
          <input {...describedBy("signin-email")} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
        </Field>
        <Field id="signin-password" label="Password">
          <input {...describedBy("signin-password")} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <button type="submit" className="button primary" disabled={signIn.isPending}>
          {signIn.isPending ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
