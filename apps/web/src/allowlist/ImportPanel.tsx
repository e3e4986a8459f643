import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type ChangeEvent, type FormEvent } from "react";
import { api, type RouterOutputs } from "../api/client.ts";
import { fieldErrorsOf, messageOf } from "../api/errors.ts";
import { DataTable } from "../components/DataTable.tsx";
import { describedBy, Field } from "../components/Field.tsx";
import { Notice } from "../components/Notice.tsx";
import { When } from "../components/When.tsx";
import { ScopeFields } from "./ScopeFields.tsx";
import { scopeOf, type ScopeDraft } from "./scope.ts";

type Preview = RouterOutputs["entries"]["importPreview"];
type PreviewLine = Preview["lines"][number];

interface Props {
  defaultTenantId: string;
  allowFleet: boolean;
}

const EXAMPLE = "198.51.100.7, sip rtp, Bob at home, 7d\nsip.trunk.example.net, sip rtp, Trunk provider\n203.0.113.0/28, ssh, Office VPN, 2026-12-31";

/**
 * Many entries at once: pasted lines or a CSV file, previewed line by line (each bad line with
 * the parser's own message) before ONE import writes them all. A bad line stops the import
 * unless the operator chooses to import the valid lines only.
 */
export function ImportPanel({ defaultTenantId, allowFleet }: Props) {
  const queryClient = useQueryClient();
  const [text, setText] = useState("");
  const [scope, setScope] = useState<ScopeDraft>({ kind: "TENANT", tenantId: defaultTenantId, group: "", serverId: "" });
  const [imported, setImported] = useState<string | null>(null);
  const preview = useMutation({ mutationFn: () => api.entries.importPreview.mutate({ text, scope: scopeOf(scope) }) });
  const commit = useMutation({
    mutationFn: (validLinesOnly: boolean) => api.entries.import.mutate({ text, scope: scopeOf(scope), validLinesOnly }),
    onSuccess: async (result) => {
      setImported(`Imported ${result.entries.length} entr${result.entries.length === 1 ? "y" : "ies"}${result.skipped ? `; skipped ${result.skipped} refused line${result.skipped === 1 ? "" : "s"}` : ""}.`);
      setText("");
      preview.reset();
      await queryClient.invalidateQueries();
    },
  });
  // What was previewed is what is imported: any change asks for a new preview.
  const changed = () => {
    preview.reset();
    commit.reset();
    setImported(null);
  };
  const readFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    setText(await file.text());
    changed();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setImported(null);
    preview.mutate();
  };
  const errors = fieldErrorsOf(preview.error ?? commit.error, "text");
  const scopeError = errors.scope ?? errors.serverId ?? errors.tenantId ?? errors.group;
  return (
    <form className="form" onSubmit={submit} aria-label="Import entries">
      {imported && <Notice tone="ok">{imported}</Notice>}
      <Field id="import-text" label="Entries, one a line: source, services, comment, expiry" error={scopeError ? undefined : errors.text} hint="Services space-separated or quoted (&quot;sip,rtp&quot;); expiry 30m, 12h, 7d, 2w, a date, or empty for never. A CSV header line is skipped.">
        <textarea
          {...describedBy("import-text", scopeError ? undefined : errors.text, true)}
          rows={6}
          spellCheck={false}
          className="mono"
          placeholder={EXAMPLE}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            changed();
          }}
        />
      </Field>
      <Field id="import-file" label="…or a CSV file">
        <input id="import-file" type="file" accept=".csv,.txt,text/csv,text/plain" onChange={(e) => void readFile(e)} />
      </Field>
      <ScopeFields
        idPrefix="import"
        draft={scope}
        onChange={(next) => {
          setScope(next);
          changed();
        }}
        allowFleet={allowFleet}
        error={scopeError}
      />
      <div>
        <button type="submit" className="button" disabled={preview.isPending || text.trim() === ""}>
          {preview.isPending ? "Checking…" : "Preview"}
        </button>
      </div>
      {preview.data && <PreviewResult preview={preview.data} pending={commit.isPending} error={commit.error && !errors.text ? messageOf(commit.error) : null} onImport={(validOnly) => commit.mutate(validOnly)} />}
    </form>
  );
}

function PreviewResult({ preview, pending, error, onImport }: { preview: Preview; pending: boolean; error: string | null; onImport: (validOnly: boolean) => void }) {
  const bad = preview.lines.length - preview.valid;
  return (
    <section aria-label="Import preview" className="import-preview">
      <DataTable<PreviewLine>
        label="Import preview"
        rows={preview.lines}
        rowKey={(line) => String(line.line)}
        rowData={(line) => ({ line: String(line.line), result: line.ok ? "ok" : "refused" })}
        empty="Nothing to import."
        columns={[
          { header: "Line", cell: (line) => line.line },
          { header: "Result", cell: (line) => (line.ok ? "will be allowed" : <strong className="error">refused</strong>) },
          { header: "Source", className: "mono line-text", cell: (line) => line.source ?? line.text },
          { header: "Services", cell: (line) => line.services.join(", ") },
          { header: "Expires", cell: (line) => (line.ok ? <When at={line.expiresAt} never="never" /> : "") },
          { header: "Comment or problem", className: "line-text", cell: (line) => (line.ok ? line.comment : line.message) },
        ]}
      />
      {error && <Notice tone="bad">{error}</Notice>}
      {bad === 0 ? (
        <p>
          <button type="button" className="button primary" disabled={pending} onClick={() => onImport(false)}>
            Import {preview.valid} entr{preview.valid === 1 ? "y" : "ies"}
          </button>
        </p>
      ) : (
        <>
          <Notice tone="warn">
            {bad} of {preview.lines.length} lines cannot be imported, so nothing is written as it stands. Fix them above and preview again
            {preview.valid > 0 ? ", or import the valid lines only." : "."}
          </Notice>
          {preview.valid > 0 && (
            <p>
              <button type="button" className="button" disabled={pending} onClick={() => onImport(true)}>
                Import the {preview.valid} valid line{preview.valid === 1 ? "" : "s"}
              </button>
            </p>
          )}
        </>
      )}
    </section>
  );
}
