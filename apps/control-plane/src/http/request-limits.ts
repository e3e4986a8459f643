// Limits of one /trpc request, handed to tRPC's HTTP handler. A batch is refused whole
// (BAD_REQUEST, before any call is parsed or run) when it carries more calls than this: without
// it one GET could carry hundreds of calls, each a page of the audit log. The console's
// httpBatchLink sends at most this many per batch (maxItems).
export const API_MAX_BATCH_CALLS = 10;

export const API_REQUEST_LIMITS = { allowBatching: true, maxBatchSize: API_MAX_BATCH_CALLS } as const;
