/**
 * completion.js — Tab completion for the terminal, from two sources: the tools and
 * their flags (rendered by the terminal component from simulator/tools/cli.py) and
 * the live cluster (topics and groups from the sandbox's model, static/js/live).
 * Pure: complete(line, cursor, data, live) -> {line, cursor, candidates}.
 */
const TOPIC_FLAGS = new Set(["--topic", "--entity-name-topic"]);
const GROUP_FLAGS = new Set(["--group"]);

/** Topic and group names from a live store state ({topics: {...}, groups: {...}}). */
export function liveNames(state) {
  const topics = Object.keys((state && state.topics) || {}).sort();
  const groups = Object.keys((state && state.groups) || {}).sort();
  return { topics, groups };
}

function commonPrefix(words) {
  if (!words.length) return "";
  let prefix = words[0];
  for (const w of words.slice(1)) {
    let i = 0;
    while (i < prefix.length && i < w.length && prefix[i] === w[i]) i += 1;
    prefix = prefix.slice(0, i);
  }
  return prefix;
}

function toolOf(word) {
  return word.split("/").pop().replace(/\.sh$/, "");
}

/** What the word under the cursor could become. */
export function candidatesFor(words, data, live) {
  const current = words[words.length - 1] ?? "";
  if (words.length <= 1) {
    return data.tools.filter((t) => t.startsWith(current)).map((t) => (t === "kafka-run-class" ? t : `${t}.sh`))
      .filter((t) => t.startsWith(current));
  }
  const tool = toolOf(words[0]);
  const previous = words[words.length - 2];
  if (previous === "--bootstrap-server" || previous === "--broker-list") {
    return [data.bootstrap].filter((b) => b.startsWith(current));
  }
  if (TOPIC_FLAGS.has(previous) || (previous === "--entity-name" && words.includes("topics"))) {
    return live.topics.filter((t) => t.startsWith(current));
  }
  if (GROUP_FLAGS.has(previous) || (previous === "--entity-name" && words.includes("groups"))) {
    return live.groups.filter((g) => g.startsWith(current));
  }
  if (previous === "--entity-type") return ["topics", "groups"].filter((t) => t.startsWith(current));
  if (tool === "kafka-run-class" && words.length === 2) {
    return ["kafka.tools.GetOffsetShell"].filter((c) => c.startsWith(current));
  }
  const flags = (data.options[tool] || []).filter((f) => !words.slice(1, -1).includes(f) || f === "--property");
  return flags.filter((f) => f.startsWith(current || "--")).sort();
}

/**
 * Complete the word before `cursor` in `line`. One candidate: it is filled in with
 * a space after it. Several: their common prefix is filled in and all are returned
 * for the terminal to list (as bash does on a second Tab).
 */
export function complete(line, cursor, data, live) {
  const before = line.slice(0, cursor);
  const after = line.slice(cursor);
  const words = before.split(/\s+/).filter((w, i, all) => w !== "" || i === all.length - 1);
  if (before === "" || /\s$/.test(before)) words.push("");
  const cleaned = words.filter((w, i) => w !== "" || i === words.length - 1);
  const current = cleaned[cleaned.length - 1] ?? "";
  const candidates = candidatesFor(cleaned, data, live);
  if (!candidates.length) return { line, cursor, candidates: [] };
  const fill = candidates.length === 1 ? `${candidates[0]} ` : commonPrefix(candidates);
  if (fill.length <= current.length && candidates.length > 1) return { line, cursor, candidates };
  const head = before.slice(0, before.length - current.length);
  const newBefore = head + fill;
  return { line: newBefore + after, cursor: newBefore.length, candidates: candidates.length > 1 ? candidates : [] };
}
