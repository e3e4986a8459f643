import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../api/client.ts";
import { fieldErrorsOf, messageOf } from "../api/errors.ts";
import { describedBy, Field } from "../components/Field.tsx";
import { Notice } from "../components/Notice.tsx";
import { SubmitButton } from "../components/SubmitButton.tsx";
import { TenantSelect } from "../tenants/TenantSelect.tsx";

interface Props {
  /** MSP admins may leave the tenant empty: a service for the whole fleet. */
  fleetAllowed: boolean;
  /** A tenant's operator makes services for their own tenant only. */
  ownTenantId: string | null;
}

export function NewCustomServiceForm({ fleetAllowed, ownTenantId }: Props) {
  const queryClient = useQueryClient();
  const [id, setId] = useState("");
  const [name, setName] = useState("");
  const [protocol, setProtocol] = useState<"udp" | "tcp">("udp");
  const [portFrom, setPortFrom] = useState("");
  const [portTo, setPortTo] = useState("");
  const [tenantId, setTenantId] = useState(ownTenantId ?? "");
  const create = useMutation({
    mutationFn: () => {
      const from = Number(portFrom);
      const to = portTo.trim() === "" ? from : Number(portTo);
      return api.customServices.create.mutate({ id, name, protocol, portFrom: from, portTo: to, ...(tenantId ? { tenantId } : {}) });
    },
    onSuccess: async () => {
      setId("");
      setName("");
      setPortFrom("");
      setPortTo("");
      await queryClient.invalidateQueries();
    },
  });
  const errors = fieldErrorsOf(create.error);
  const placed = ["id", "name", "portFrom", "portTo", "tenantId"].some((field) => errors[field]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form className="form" onSubmit={submit} aria-label="New custom service">
      {create.error && !placed && <Notice tone="bad">{messageOf(create.error)}</Notice>}
      {create.isSuccess && <Notice tone="ok">Service {create.data.id} added: allow it in an entry by ticking it.</Notice>}
      <div className="form-row">
        <Field id="service-id" label="Service id" hint="2-21 characters: a lower-case letter, then letters, digits or '-' (fax, pager-1)." error={errors.id}>
          <input {...describedBy("service-id", errors.id, true)} type="text" required value={id} onChange={(e) => setId(e.target.value)} />
        </Field>
        <Field id="service-name" label="Service name" error={errors.name}>
          <input {...describedBy("service-name", errors.name)} type="text" required value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
      </div>
      <div className="form-row">
        <Field id="service-protocol" label="Protocol">
          <select id="service-protocol" value={protocol} onChange={(e) => setProtocol(e.target.value === "tcp" ? "tcp" : "udp")}>
            <option value="udp">UDP</option>
            <option value="tcp">TCP</option>
          </select>
        </Field>
        <Field id="service-port-from" label="First port" error={errors.portFrom}>
          <input {...describedBy("service-port-from", errors.portFrom)} type="number" min={1} max={65535} required value={portFrom} onChange={(e) => setPortFrom(e.target.value)} />
        </Field>
        <Field id="service-port-to" label="Last port" hint="Empty for a single port." error={errors.portTo}>
          <input {...describedBy("service-port-to", errors.portTo, true)} type="number" min={1} max={65535} value={portTo} onChange={(e) => setPortTo(e.target.value)} />
        </Field>
      </div>
      {ownTenantId === null && (
        <Field id="service-tenant" label="For" error={errors.tenantId}>
          <TenantSelect id="service-tenant" value={tenantId} onChange={setTenantId} {...(fleetAllowed ? { anyLabel: "Whole fleet (every tenant)" } : {})} error={errors.tenantId} />
        </Field>
      )}
      <SubmitButton pending={create.isPending} busyLabel="Saving…">
        Add service
      </SubmitButton>
    </form>
  );
}
