/**
 * Imported first by the entry point that synthesizes (`main.ts`). Two Node defaults cost about
 * half of synth time there, measured by `npm run bench`, for output nobody reads:
 *
 * - tsx turns on source-map support, so Node decodes the inline source map of every module loaded
 *   afterwards (cdktf and the provider bindings ship one per file) and maps every stack trace;
 * - cdktf captures and formats a full stack trace for every token it creates (thousands per
 *   environment), kept only to explain a token that fails to resolve.
 *
 * Both stay as Node made them with DEBUG set. Errors keep their usual stack text either way.
 */
if (!process.env.DEBUG) {
  process.setSourceMapsEnabled(false);
  // cdktf's captureStackTrace formats the stack of a plain object; Errors are formatted as V8 does.
  Error.prepareStackTrace = (target: unknown, frames: NodeJS.CallSite[]) =>
    target instanceof Error ? `${Error.prototype.toString.call(target)}${frames.map((f) => `\n    at ${String(f)}`).join("")}` : "";
}

export {};
