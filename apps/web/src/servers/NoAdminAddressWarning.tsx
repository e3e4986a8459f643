import { Notice } from "../components/Notice.tsx";

/** Said loudly wherever a server has no primary admin address: a wrong allowlist then locks everyone out. */
export function NoAdminAddressWarning({ creating = false }: { creating?: boolean }) {
  return (
    <Notice tone="bad">
      <p data-testid="no-admin-address">
        <strong>{creating ? "No primary admin address given." : "This server has no primary admin address."}</strong> Only the
        allowlist (and the LAN ranges) will reach it: one wrong or expired entry and nobody gets to its SSH or admin pages.
        Give the address you administer it from; it is allowed on every port, whatever the allowlist says.
      </p>
    </Notice>
  );
}

/** The default LAN ranges are open on every port: on a cloud VPS that is the provider's network. */
export function DefaultLanNotice() {
  return (
    <Notice tone="warn">
      <p data-testid="default-lan-ranges">
        <strong>These are the default LAN ranges</strong>, open on every port: right for a PBX in an office, but on a cloud
        VPS those private ranges are usually the provider's network, shared with other customers. Narrow them to your own
        network, or clear them.
      </p>
    </Notice>
  );
}
