/**
 * Imported first by the entry point that synthesizes (`main.ts`). Two Node defaults cost about
 * half of synth time there, measured by `npm run bench`, for output nobody reads:
 *
 * - tsx turns on source-map support, so Node decodes the inline source map of every module loaded
 *   afterwards (cdktf and the provider bindings ship one per file) and maps every stack trace;
 * - cdktf captures and formats a full stack trace for every token it creates (thousands per
 *   environment) into a plain `{ stack: "" }` object, kept only to explain a token that fails to
 *   resolve.
 *
 * Errors are untouched: only captures into that plain object are skipped, and cdktf then records
 * an empty creation stack. The cost: frames of an unexpected error point into tsx's compiled
 * output instead of the .ts lines. With DEBUG set both defaults stay, lines included.
 */
if (!process.env.DEBUG) {
  process.setSourceMapsEnabled(false);
  const capture = Error.captureStackTrace.bind(Error);
  Error.captureStackTrace = (target: object, below?: (...args: never[]) => unknown) => {
    const isTokenTrace =
      Object.getPrototypeOf(target) === Object.prototype &&
      Object.keys(target).length === 1 &&
      (target as { stack?: unknown }).stack === "";
    if (!isTokenTrace) capture(target, below);
  };
}

export {};
