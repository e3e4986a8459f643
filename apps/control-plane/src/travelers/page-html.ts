// The traveler pages' HTML: small, server-rendered, no script. Everything shown is escaped.

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** A value to put in the page: escaped unless it was built by `html` itself. */
export class Html {
  constructor(readonly text: string) {}
}

export function html(strings: TemplateStringsArray, ...values: Array<string | number | Html | Html[]>): Html {
  let out = strings[0] ?? "";
  values.forEach((value, index) => {
    const rendered = Array.isArray(value)
      ? value.map((item) => item.text).join("")
      : value instanceof Html
        ? value.text
        : escapeHtml(String(value));
    out += rendered + (strings[index + 1] ?? "");
  });
  return new Html(out);
}

export function page(title: string, body: Html): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}
h1{font-size:1.4rem}.address{font-size:1.6rem;font-family:monospace;font-weight:bold}
button{font-size:1rem;padding:.5rem 1rem;margin:.25rem 0}input{font-size:1rem;padding:.3rem;width:12rem}
.problem{color:#9b1c1c}table{border-collapse:collapse}td,th{padding:.25rem .75rem .25rem 0;text-align:left}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
${body.text}
</body></html>
`;
}

/** Headers every traveler page carries: nothing cached, framed, scripted or leaked as referrer. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
};
