/**
 * payment-solution — the guide's solution: the same lost response and retry, but with an
 * Idempotency-Key the retry finds the key and gets the cached reply (balance 400),
 * drawn as a sequence diagram (client, payment service, database) from the
 * payments events (payment-parts.js draws it).
 */
import { drawSequence } from "./payment-parts.js";

export function render(svg, state, nowMs, options = {}) {
  drawSequence(svg, state, nowMs, options, { withKey: true });
}
