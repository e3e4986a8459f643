import { hrefFor } from "../routing/routes.ts";

export function NotFoundPage({ path }: { path: string }) {
  return (
    <>
      <h1>Nothing here</h1>
      <p>
        There is no page at <code>{path}</code>. <a href={hrefFor({ page: "fleet" })}>Go to the fleet</a>.
      </p>
    </>
  );
}
