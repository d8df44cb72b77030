/**
 * payment-problem — the guide's problem scenario: a payment whose response is lost, the
 * client's timeout and retry, and the balance going 500 -> 400 -> 300 (DOUBLE DEDUCTION),
 * drawn as a sequence diagram (client, payment service, database) from the
 * payments events (payment-parts.js draws it).
 */
import { drawSequence } from "./payment-parts.js";

export function render(svg, state, nowMs, options = {}) {
  drawSequence(svg, state, nowMs, options, { withKey: false });
}
