/**
 * consumer-names.js — the one naming scheme for consumers a learner adds:
 * the group's own pattern continued with the next letter ("1a" -> "1b",
 * "g2-a", "g2-b" -> "g2-c"); a group without members starts at
 * "<group>a" for a numbered group ("1" -> "1a") and "<group>-a" otherwise.
 * Pure functions of the model.
 */
import { consumerLabel } from "./view.js";

function membersOf(state, group) {
  return Object.keys((state.groups[group] || { members: {} }).members).map(consumerLabel);
}

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/** The prefix this group's consumers share before their letter. */
function prefixFor(state, group) {
  for (const name of membersOf(state, group)) {
    const m = /^(.*?)([a-z])$/.exec(name);
    if (m && m[1]) return m[1];
  }
  return /^\d+$/.test(group) ? group : `${group}-`;
}

/** A consumer name not used anywhere yet (nor in `reserved`), in the group's scheme. */
export function newConsumerName(state, group, reserved = []) {
  const taken = new Set([...Object.keys(state.groups).flatMap((g) => membersOf(state, g)), ...reserved]);
  const prefix = prefixFor(state, group);
  for (const letter of LETTERS) if (!taken.has(`${prefix}${letter}`)) return `${prefix}${letter}`;
  let n = 1;
  while (taken.has(`${prefix}z${n}`)) n += 1;
  return `${prefix}z${n}`;
}

/** All consumer names in the model, in every group. */
export function consumerNames(state) {
  return Object.keys(state.groups).flatMap((g) => membersOf(state, g));
}

/** The group's most recently named consumer (the one "Remove consumer" removes). */
export function lastConsumerName(state, group) {
  const names = membersOf(state, group).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  return names.length ? names[names.length - 1] : null;
}
