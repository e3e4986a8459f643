import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../api/client.ts";
import { fieldErrorsOf } from "../api/errors.ts";
import { describedBy, Field } from "../components/Field.tsx";
import type { TravelerView } from "./useTravelers.ts";

/** An operator allows an address for a traveler, as if they had called the IVR. */
export function GrantForm({ travelers }: { travelers: TravelerView[] }) {
  const queryClient = useQueryClient();
  const [travelerId, setTravelerId] = useState("");
  const [address, setAddress] = useState("");
  const grant = useMutation({
    mutationFn: () => api.travelers.grant.mutate({ travelerId, address }),
    onSuccess: async () => {
      setAddress("");
      await queryClient.invalidateQueries();
    },
  });
  const errors = fieldErrorsOf(grant.error, "address");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    grant.mutate();
  };
  return (
    <form className="form-row" onSubmit={submit} aria-label="Grant an address" style={{ alignItems: "end" }}>
      <Field id="grant-traveler" label="Traveler" error={errors.travelerId}>
        <select {...describedBy("grant-traveler", errors.travelerId)} required value={travelerId} onChange={(e) => setTravelerId(e.target.value)}>
          <option value="" disabled>
            Choose…
          </option>
          {travelers
            .filter((t) => t.enabled)
            .map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} ({t.accountNumber})
              </option>
            ))}
        </select>
      </Field>
      <Field id="grant-address" label="Public IP address" error={errors.address}>
        <input {...describedBy("grant-address", errors.address)} type="text" required value={address} onChange={(e) => setAddress(e.target.value)} />
      </Field>
      <div>
        <button type="submit" className="button" disabled={grant.isPending}>
          Grant
        </button>
      </div>
    </form>
  );
}
